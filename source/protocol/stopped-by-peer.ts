/**
 * Where a session was stopped, on the right side (DESIGN.md, "The attacker"). A
 * peer marks the step it was at as failed however its session ended, so when one
 * side catches a problem and sends its alert, the side that only received that
 * alert showed ✘ as well, and the screen had two places that seemed to fail.
 * Reading one peer's events in order, this restates that step as `stopped`, with
 * the peer's alert as its detail ("stopped: client sent unknown_ca: …"), so that
 * exactly one ✘ marks where the problem was caught.
 *
 * A failed step is held, with the events after it, until the peer's closed event
 * says how the session ended: a peer emits them together as it ends. Everything
 * that shows or keeps a peer's events (the dashboard, the headless commands and
 * their transcripts) reads them through this.
 */
import { type PeerEvent, stepEvent } from './events.js';

export class StoppedByPeer {
  #held: PeerEvent[] | undefined;

  /** The events to pass on now, in order: none while a failed step waits for the session's end. */
  take(event: PeerEvent): readonly PeerEvent[] {
    if (this.#held === undefined) {
      if (event.type !== 'step' || event.status !== 'failed') return [event];
      this.#held = [event];
      return [];
    }
    if (event.type !== 'closed') {
      this.#held.push(event);
      return [];
    }
    const held = this.#held;
    this.#held = undefined;
    if (event.how !== 'alert_received') return [...held, event];
    const [failed, ...rest] = held;
    if (failed?.type !== 'step') return [...held, event];
    return [stepEvent(failed.role, failed.step, 'stopped', `stopped: ${failed.detail}`), ...rest, event];
  }
}

/** Wraps a listener so that it receives one peer's events with the stopped step restated. */
export function reportingStops(listener: (event: PeerEvent) => void): (event: PeerEvent) => void {
  const stops = new StoppedByPeer();
  return (event) => {
    for (const passed of stops.take(event)) listener(passed);
  };
}

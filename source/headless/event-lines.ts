/**
 * Engine events as lines for a terminal or a pipe: plain lines (symbol, step,
 * detail) for people, or one JSON object per event for programs. Binary fields
 * are summarised, session secrets are never printed, and progress is thinned to
 * a few lines per transfer.
 */
import { toHex } from '../crypto/bytes.js';
import type { PeerEvent, StepEvent } from '../protocol/events.js';
import { stepsOf } from '../protocol/steps.js';
import { STATUS_SYMBOLS } from '../ui/symbols.js';
import { formatBytes } from '../protocol/units.js';

export function stepLabel(event: Pick<StepEvent, 'role' | 'step'>): string {
  return stepsOf(event.role).find((step) => step.id === event.step)?.label ?? event.step;
}

/** A plain line for an event, or undefined when people need not see it. */
export function plainLine(event: PeerEvent): string | undefined {
  switch (event.type) {
    case 'step': {
      if (event.status === 'active' || event.status === 'pending') return undefined;
      const detail = event.detail ? `: ${event.detail}` : '';
      return `${STATUS_SYMBOLS[event.status]} ${stepLabel(event)}${event.status === 'skipped' && !detail ? ' (skipped)' : detail}`;
    }
    default:
      return undefined;
  }
}

/** An event as JSON, without raw bytes or secrets; undefined for events not worth a line. */
export function jsonEvent(event: PeerEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'wire':
      return {
        type: 'wire', role: event.role, action: event.action, direction: event.direction, message: event.message,
        encrypted: event.encrypted, bytes: event.record.length,
      };
    case 'keys':
    case 'file-data':
      return undefined;
    case 'file-verified':
      return { type: event.type, role: event.role, name: event.name, size: event.size, sha256: toHex(event.sha256) };
    default:
      return { ...event };
  }
}

/** Lets through the first and last progress events and about one per `step` of the total. */
export class ProgressThinner {
  readonly #fraction: number;
  #nextAt = 0;

  constructor(fraction = 0.1) {
    this.#fraction = fraction;
  }

  keep(done: number, total: number): boolean {
    if (done === 0) this.#nextAt = 0;
    if (done < this.#nextAt && done < total) return false;
    this.#nextAt = done + Math.max(1, Math.floor(total * this.#fraction));
    return true;
  }
}

export function progressLine(done: number, total: number): string {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `  … ${percent}% (${formatBytes(done)} of ${formatBytes(total)})`;
}

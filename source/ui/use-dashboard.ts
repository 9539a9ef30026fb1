/**
 * The one hook components read the dashboard through: the engine's events go
 * into the reducer in batches (a 100 MB transfer emits thousands of events; the
 * screen needs a few redraws a second), and the terminal's size and a ticking
 * clock drive the layout, the spinner and the transfer rate.
 */
import { useStdout } from 'ink';
import { type Dispatch, useEffect, useReducer, useState } from 'react';
import type { DashboardEngine } from './dashboard-engine.js';
import { type Action, type DashboardState, dashboardReducer, type EngineEvent, initialState } from './dashboard-state.js';

/** How long engine events gather before the screen is redrawn with them. */
const BATCH_MS = 50;
const TICK_MS = 80;

export function useDashboard(engine: DashboardEngine): readonly [DashboardState, Dispatch<Action>] {
  const [state, dispatch] = useReducer(dashboardReducer, engine.settings, initialState);
  useEffect(() => {
    let pending: EngineEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      const events = pending;
      pending = [];
      dispatch({ type: 'engine', events });
    };
    const unsubscribe = engine.subscribe((event) => {
      pending.push(event);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [engine]);
  return [state, dispatch];
}

const CLEAR_SCREEN = '\u001b[2J\u001b[H';

export function useTerminalSize(): { readonly columns: number; readonly rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => {
      // Ink erases only the lines it drew last, counted from the cursor; but it has just drawn
      // the old frame at the new width, where long lines wrap onto rows it does not count, and
      // those stayed at the top. Cleared first, the frame for the new size starts on a blank screen.
      if (stdout.isTTY) stdout.write(CLEAR_SCREEN);
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}

/** A frame counter, advancing while `active`: each tick redraws, so the spinner turns and rates update. */
export function useTicker(active: boolean): { readonly frame: number } {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setFrame((previous) => previous + 1), TICK_MS);
    return () => clearInterval(timer);
  }, [active]);
  return { frame };
}

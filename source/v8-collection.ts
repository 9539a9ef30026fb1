/**
 * How V8 collects the old generation in a process that moves files rather than draws
 * a screen.
 *
 * By default V8 marks the old generation incrementally, starting well before it is
 * full, so that no full collection ever stops the program for long: right for the
 * dashboard, whose screen must never freeze. It starts early indeed. A fresh process
 * has a small old-generation limit (14 MB, with 8 MB used once the program is loaded),
 * and marking begins as soon as the room left is smaller than the young generation. In
 * a native transfer that came 40 to 60 ms in, in the client and in the server alike: a
 * mark-compact of an old generation with next to nothing to free, in the middle of the
 * file, with marking steps on the main thread and concurrent marking on the core the
 * other process needed (README, Performance).
 *
 * Collecting at once instead marks only when the old generation is full, in one pause:
 * a few ms at these heap sizes.
 * - A client runs one session and exits; nobody waits on that pause, and its peak over a
 *   1 GiB aes-js transfer was the same either way (113 to 127 MiB).
 * - A server with `--aes native` keeps its records young and its old generation small,
 *   so its collections stay short and rare: its peak over a 1 GiB native transfer was
 *   102 to 112 MiB either way. So does a demo, which serves its file too.
 * - A server (or a demo) with aes-js marks incrementally still. Its records wait for the
 *   socket long enough to reach the old generation, and marking them early holds its
 *   peak lower: 102 to 115 MiB over a 1 GiB transfer, against 124 to 134 when collecting
 *   at once.
 *
 * The same goes for the young generation's dead buffers. V8 frees them behind each
 * scavenge, on a thread of its own; freeing them in the scavenge itself costs the main
 * thread a little and spares the cores a thread that competes with both processes.
 *
 * Measured on two cores, twelve to sixteen runs of each taken in turns: marking at once
 * took native 64 MiB transfers from 227.6 to 242.8 MiB/s, and the two processes used
 * 25 ms less CPU between them, with the 16-client handshake rate the same (200 and
 * 200/s over five runs each); freeing the buffers in the scavenge as well, from 232.5 to
 * 242.7 and from 235.1 to 245.7 MiB/s, with another 17 ms less CPU and peak memory the
 * same or lower.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's flags for it: mark the old generation only when it is full, and free dead buffers in the scavenge. */
export const COLLECT_AT_ONCE = ['--no-incremental-marking', '--no-concurrent-array-buffer-sweeping'] as const;

/** From here on, V8 collects at once, in its pauses, never marking incrementally or sweeping buffers behind. */
export function collectAtOnce(): void {
  for (const flag of COLLECT_AT_ONCE) setFlagsFromString(flag);
}

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
 * a few ms at these heap sizes. That suits a process that runs one session and exits: a
 * client, and a demo with `--aes native`. Nobody waits on the pause, and the client's
 * peak over a 1 GiB aes-js transfer was the same either way (113 to 127 MiB).
 * A server marks incrementally still, as does a demo with aes-js, which serves its file
 * too. A server's garbage reaches the old generation: its aes-js records wait for the
 * socket long enough, and so does what each session leaves. Collecting at once let it
 * pile up to the full limit: the peak over a 1 GiB aes-js transfer went from 102–115 to
 * 124–134 MiB, and under 30 s of 16 native clients from 110 to 149–152 MiB.
 *
 * The young generation's dead buffers are another matter. V8 frees them behind each
 * scavenge, on a thread of its own; freeing them in the scavenge itself costs the main
 * thread a little and spares the cores a thread that competes with both processes. That
 * suits a native server as well: its peak under the same 16 clients stayed at 109 MiB.
 *
 * Measured on two cores, twelve to sixteen runs of each taken in turns: marking at once
 * in both processes took native 64 MiB transfers from 227.6 to 242.8 MiB/s, and the
 * two used 25 ms less CPU between them; freeing the buffers in the scavenge as well,
 * from 232.5 to 242.7 and from 235.1 to 245.7 MiB/s, with another 17 ms less CPU. With
 * the server sweeping only, as here, the transfers ran as fast as with both settings in
 * both processes, within the spread (203.3 against 205.5 MiB/s, on a slow day for the
 * machine, and 198.1 before either).
 */
import { setFlagsFromString } from 'node:v8';

/** Frees the young generation's dead buffers in the scavenge itself, not on a V8 thread behind it. */
export const SWEEP_IN_SCAVENGE = '--no-concurrent-array-buffer-sweeping';
/** Marks the old generation only when it is full, at once. */
export const MARK_WHEN_FULL = '--no-incremental-marking';

/** From here on, V8 collects at once, in its pauses: for a process that runs one session and exits. */
export function collectAtOnce(): void {
  setFlagsFromString(MARK_WHEN_FULL);
  setFlagsFromString(SWEEP_IN_SCAVENGE);
}

/** From here on, V8 frees dead buffers in the scavenge, and marks the old generation as it would. */
export function sweepInScavenge(): void {
  setFlagsFromString(SWEEP_IN_SCAVENGE);
}

/**
 * How soon V8 compiles a function with its optimizing compiler. The entry points
 * import this module first, so that its setting holds before the program's own
 * modules have run any code; a one-shot command raises it further as it starts.
 *
 * V8 runs a function first in its interpreter, soon after in baseline code (Sparkplug,
 * cheap to make), and once the function has run enough bytecode it compiles it with
 * TurboFan on a background thread. That pays back in code that stays hot for long:
 * aes-js's inner loop, which runs millions of times per MiB, or a server's handshakes.
 * It does not in a transfer with `--aes native`, where OpenSSL does the work per byte
 * and the JavaScript left is the same few dozen calls for every 16 KiB record: 4,096
 * records in a 64 MiB file. There, at V8's own budget, the client compiled 55 functions
 * in 178 ms of background CPU while the file took 350 ms to arrive, on two cores that
 * the server and the client already kept busy.
 *
 * So every process waits three times as long as V8 would before compiling, and a
 * client, which serves one session and exits, ten times: what it compiles later it
 * never gets back. A server lives on, and the code its sessions share repays TurboFan;
 * ten times as long there cost its handshakes about 4% of their rate, three times
 * about 1%. Measured on two cores (README, Performance): a native 64 MiB transfer went
 * from 191 to 244 MiB/s; aes-js, which sets off TurboFan within its first record
 * either way, and a 1 GiB transfer ran as fast as before.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's own budget: the bytecode a function runs between two looks at whether to optimize it. */
export const V8_INTERRUPT_BUDGET = 67_584;

/** How many times V8's budget a process waits: a process that lives on, and one that runs one session and exits. */
export const BUDGET_FACTOR = { longLived: 3, oneShot: 10 } as const;

/**
 * Sets the budget for the rest of the process. V8 reads it whenever it sets a
 * function's count going again, so it takes hold for the code that runs after it.
 */
export function optimizeAfter(kind: keyof typeof BUDGET_FACTOR): void {
  setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET * BUDGET_FACTOR[kind]}`);
}

optimizeAfter('longLived');

/**
 * How soon V8 compiles a function with its optimizing compiler, set for the whole
 * process as it starts. The entry points import this module first, so that it runs
 * before the program's own modules have run any code.
 *
 * V8 runs a function first in its interpreter, soon after in baseline code (Sparkplug,
 * cheap to make), and once the function has run enough bytecode it compiles it with
 * TurboFan on a background thread. That pays back in code that stays hot for long:
 * aes-js's inner loop, which runs millions of times per MiB, or a server's handshakes.
 * It does not in a transfer with `--aes native`, where OpenSSL does the work per byte
 * and the JavaScript left is the same few dozen calls for every 16 KiB record: 4,096
 * records in a 64 MiB file. There, at V8's own budget, the client compiled 55 functions
 * in 178 ms of background CPU while the file took 350 ms to arrive, on two cores that
 * the server and the client already kept busy, and the file moved at 180 MiB/s. With
 * a budget ten times V8's, only code that stays hot is compiled, later: the same
 * transfer moves at 225 MiB/s, while aes-js (which sets off TurboFan within its first
 * record either way) and a 1 GiB transfer run as fast as before, and a server's rate
 * of handshakes is about 2% lower (README, Performance).
 */
import { setFlagsFromString } from 'node:v8';

/** Bytecode a function runs before V8 considers it for TurboFan: ten times V8's default of 67,584. */
export const INTERRUPT_BUDGET = 675_840;

// V8 reads the budget whenever it sets a function's count going again, so a change
// made while the process starts takes hold for all the code that runs after it.
setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);

import * as v8 from 'node:v8';
import * as vm from 'node:vm';

// A heap left behind must not be timed as the round's own work: a heavy step's round starts after a full
// collection of what the contender's previous round and its check left. Compiled code stays
// (`--no-flush-bytecode`): every full collection would otherwise age the bytecode of the steps not running and
// drop it, and their next round would pay for compiling again.
v8.setFlagsFromString('--no-flush-bytecode');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A full garbage collection, now. */
export function collectGarbage(): void {
  gc();
}

/**
 * A statement key: one node of a tree of key parts, the same object every time the same parts are given in the
 * same order. A shape's key is walked part by part from its constant pieces (a kind, a model's number, a field
 * name, a marker), each one a `Map` lookup on a string whose hash V8 has already cached, instead of being
 * concatenated into a fresh string that the cache would hash afresh on every query (measured: ~0.3 µs of a
 * 2 µs point read on better-sqlite3). The cache then looks the node up by identity. Nodes are small (no copy of
 * the parts that lead to them), so a part that varies widely, as a tenant's schema does, belongs last: each value
 * of it then adds one leaf per shape, not a subtree.
 */
export interface StatementKey {
  readonly parent: StatementKey | undefined;
  readonly part: string | number | undefined;
  next: Map<string | number, StatementKey> | undefined;
}

/** Nodes kept before the tree starts afresh: keys of shapes no longer used are then forgotten (statements cached under them miss once). */
const MOST_NODES = 100_000;

const newRoot = (): StatementKey => ({ parent: undefined, part: undefined, next: undefined });
let root = newRoot();
let nodes = 0;

/** The key every statement key starts from. */
export const rootKey = (): StatementKey => root;

/** The key of `key`'s parts followed by `part`. */
export function keyStep(key: StatementKey, part: string | number): StatementKey {
  const found = key.next?.get(part);
  if (found !== undefined) return found;
  if (++nodes > MOST_NODES) {
    // `key` may be a node of the old tree: the walk goes on from it, the new tree fills as keys are walked again.
    root = newRoot();
    nodes = 0;
  }
  const step: StatementKey = { parent: key, part, next: undefined };
  (key.next ??= new Map()).set(part, step);
  return step;
}

/** The parts that lead to `key`, in order (for messages and tests). */
export function keyParts(key: StatementKey): (string | number)[] {
  const parts: (string | number)[] = [];
  for (let at: StatementKey | undefined = key; at?.part !== undefined; at = at.parent) parts.unshift(at.part);
  return parts;
}

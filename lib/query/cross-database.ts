import type { ModelMeta } from '../metadata/types';
import type { CrossFetch } from '../relations/relation';
import { LOOKUPS } from './lookups';
import { keyHops } from './path';
import { Lookups, Q } from './q';
import { withState, type QuerySetState, type WhereNode } from './state';

export { crossesDatabase } from './databases';

/** A registry with extras can have relations across databases; without any, nothing here runs. */
const mayCross = (state: QuerySetState) => Object.keys(state.meta.registry.extra).length > 0;

/**
 * Rewrites filter keys whose path leaves the queried database (`other__name: 'x'`, where `other` is a
 * foreign key to a model on another alias) into key lists read from that database by a second query:
 * `{ other__in: [ids of matching rows there] }`. Reverse foreign keys from another database become
 * `{ pk__in: [keys their rows point at] }`. Joins stay within one database.
 */
export async function resolveCrossDatabase(state: QuerySetState, fetch: CrossFetch): Promise<QuerySetState> {
  if (!mayCross(state) || state.where.length === 0) return state;
  let changed = false;
  const rewriteLookups = async (lookups: Lookups): Promise<Lookups> => {
    const out: Lookups = {};
    for (const key of Object.keys(lookups)) {
      const rewritten = await rewriteKey(state.meta, key, lookups[key], fetch);
      if (rewritten) {
        changed = true;
        Object.assign(out, rewritten);
      } else out[key] = lookups[key];
    }
    return out;
  };
  const rewriteClause = async (clause: Q | Lookups): Promise<Q | Lookups> =>
    clause instanceof Q ? clause.withChildren(await Promise.all(clause.children.map(rewriteClause))) : rewriteLookups(clause);
  const where: WhereNode[] = [];
  for (const node of state.where) where.push({ negated: node.negated, clauses: await Promise.all(node.clauses.map(rewriteClause)) });
  return changed ? withState(state, { where }) : state;
}

/** One key: walks its relation hops and, at the first hop into another database, queries that database. */
async function rewriteKey(root: ModelMeta, key: string, value: unknown, fetch: CrossFetch): Promise<Lookups | undefined> {
  const hops = keyHops(root, key);
  if (hops.length === 0) return undefined;
  const parts = key.split('__');
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i];
    const rest = parts.slice(i + 1);
    // A relation compared by its key, `pk` itself, and many-to-many paths: left to the compiler.
    if (rest.length === 0 || LOOKUPS.has(rest[0]) || parts[i] === 'pk' || !hop.crossFilterable) return undefined;
    if (!hop.crosses) continue;
    const prefix = parts
      .slice(0, i)
      .map((p) => `${p}__`)
      .join('');
    return hop.crossFilter(prefix, { [rest.join('__')]: value }, fetch);
  }
  return undefined;
}

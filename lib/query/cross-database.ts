import type { ModelMeta } from '../metadata/types';
import { LOOKUPS } from './lookups';
import { Lookups, Q } from './q';
import type { QuerySetState, WhereNode } from './state';

/** Whether two models' rows live in different databases (no join between them is possible). */
export function crossesDatabase(from: ModelMeta, to: ModelMeta): boolean {
  return from.registry.databaseFor(from.database) !== to.registry.databaseFor(to.database);
}

/** A registry with extras can have relations across databases; without any, nothing here runs. */
const mayCross = (state: QuerySetState) => Object.keys(state.meta.registry.extra).length > 0;

type Fetch = (meta: ModelMeta, lookups: Lookups, column: string) => Promise<unknown[]>;

/**
 * Rewrites filter keys whose path leaves the queried database (`other__name: 'x'`, where `other` is a
 * foreign key to a model on another alias) into key lists read from that database by a second query:
 * `{ other__in: [ids of matching rows there] }`. Reverse foreign keys from another database become
 * `{ pk__in: [keys their rows point at] }`. Joins stay within one database.
 */
export async function resolveCrossDatabase(state: QuerySetState, fetch: Fetch): Promise<QuerySetState> {
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
  return changed ? { ...state, where } : state;
}

/** One key: walks its relation path and, at the first hop into another database, queries that database. */
async function rewriteKey(root: ModelMeta, key: string, value: unknown, fetch: Fetch): Promise<Lookups | undefined> {
  const parts = key.split('__');
  let meta = root;
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i];
    const rest = parts.slice(i + 1);
    if (rest.length === 0 || LOOKUPS.has(rest[0])) return undefined;
    const prefix = parts.slice(0, i).map((p) => `${p}__`).join('');
    const field = meta.fields.get(name);
    const target = field?.relation?.target?.meta;
    if (field && target) {
      if (!crossesDatabase(meta, target)) {
        meta = target;
        continue;
      }
      const ids = await fetch(target, { [rest.join('__')]: value }, target.pkName);
      return { [`${prefix}${name}__in`]: ids };
    }
    const reverse = meta.reverse.get(name);
    if (reverse && reverse.kind !== 'manyToMany') {
      const owner = reverse.owner.meta;
      if (!crossesDatabase(meta, owner)) {
        meta = owner;
        continue;
      }
      const keys = await fetch(owner, { [rest.join('__')]: value }, reverse.field);
      return { [`${prefix}pk__in`]: keys.filter((k) => k !== null && k !== undefined) };
    }
    // Many-to-many and anything unknown: left to the compiler (which reports unknown names).
    return undefined;
  }
  return undefined;
}

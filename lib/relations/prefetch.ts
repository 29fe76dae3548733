import { QueryError } from '../errors';
import { relationPath } from '../query/path';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySetState } from '../query/state';
import type { PrefetchContext } from './prefetch-batch';
import type { Relation } from './relation';

/** The hops of a prefetch path, or the error naming the first name that is not a relation (hidden paths are not). */
function prefetchHops(meta: ModelMeta, path: string): Relation[] {
  const hops = relationPath(meta, path);
  const names = path.split('__');
  const bad = hops.findIndex((hop) => hop.hidden);
  const at = bad === -1 ? hops.length : bad;
  if (at < names.length) {
    const from = at === 0 ? meta : hops[at - 1].target;
    const known = [...[...from.fields.values()].filter((f) => f.relation).map((f) => f.name), ...from.manyToMany.keys(), ...from.reverse.keys()];
    throw new QueryError(`prefetchRelated("${path}"): "${names[at]}" is not a relation of ${from.name} (relations: ${known.join(', ') || 'none'}).`);
  }
  return hops;
}

/** Checks every path before any SQL runs. */
export function checkPrefetchPaths(meta: ModelMeta, paths: readonly string[]): void {
  for (const path of paths) {
    if (typeof path !== 'string' || !path) throw new QueryError('prefetchRelated() takes relation paths such as "posts_set__tags".');
    prefetchHops(meta, path);
  }
}

/**
 * Loads each `prefetchRelated` path level by level: one batched query per relation level for all the
 * instances at that level (`'posts_set__tags'` → posts of every user, then tags of every post).
 */
export async function prefetchRelated(
  instances: BaseModel[],
  paths: readonly string[],
  state: QuerySetState,
  querySetOf: PrefetchContext['querySetOf'],
): Promise<void> {
  const context: PrefetchContext = { alias: state.alias, schema: state.schema, primary: state.primary, querySetOf };
  // Instances reached by each path prefix, so `posts_set` and `posts_set__tags` share the first level.
  const reached = new Map<string, { meta: ModelMeta; items: BaseModel[] }>([['', { meta: state.meta, items: instances }]]);
  for (const path of paths) {
    let prefix = '';
    for (const hop of prefetchHops(state.meta, path)) {
      const from = reached.get(prefix)!;
      prefix = prefix ? `${prefix}__${hop.name}` : hop.name;
      if (reached.has(prefix)) continue;
      // A relation into another database is read there, on that model's own alias.
      const where = hop.crosses ? { alias: hop.target.database, primary: state.primary, querySetOf } : context;
      reached.set(prefix, { meta: hop.target, items: await hop.prefetch(from.items, where) });
    }
  }
}

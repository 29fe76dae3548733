import { QueryError } from '../errors';
import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySetState } from '../query/state';
import { prefetchForward, prefetchReverse } from './foreign-key/prefetch';
import { prefetchManyToMany } from './many-to-many/prefetch';

/** Where prefetch queries run: the alias and schema of the queryset that asked. */
export interface PrefetchContext {
  alias: string;
  schema?: string;
}

/**
 * Loads each `prefetchRelated` path level by level: one batched query per relation level for all the
 * instances at that level (`'posts_set__tags'` → posts of every user, then tags of every post).
 */
export async function prefetchRelated(instances: BaseModel[], paths: readonly string[], state: QuerySetState): Promise<void> {
  const context: PrefetchContext = { alias: state.alias, schema: state.schema };
  // Instances reached by each path prefix, so `posts_set` and `posts_set__tags` share the first level.
  const reached = new Map<string, { meta: ModelMeta; items: BaseModel[] }>([['', { meta: state.meta, items: instances }]]);
  for (const path of paths) {
    if (typeof path !== 'string' || !path) throw new QueryError('prefetchRelated() takes relation paths such as "posts_set__tags".');
    const parts = path.split('__');
    let prefix = '';
    for (const name of parts) {
      const from = reached.get(prefix)!;
      prefix = prefix ? `${prefix}__${name}` : name;
      if (reached.has(prefix)) continue;
      reached.set(prefix, await loadLevel(from.meta, from.items, name, context, path));
    }
  }
}

async function loadLevel(meta: ModelMeta, items: BaseModel[], name: string, context: PrefetchContext, path: string) {
  const field = meta.fields.get(name);
  if (field?.relation?.target) {
    return { meta: field.relation.target.meta, items: await prefetchForward(items, field, context) };
  }
  const m2m = meta.manyToMany.get(name);
  if (m2m?.target) {
    return { meta: m2m.target.meta, items: await prefetchManyToMany(items, meta, m2m, false, name, context) };
  }
  const reverse = meta.reverse.get(name);
  if (reverse) {
    const owner = reverse.owner.meta;
    if (reverse.kind === 'manyToMany') {
      return { meta: owner, items: await prefetchManyToMany(items, owner, owner.manyToMany.get(reverse.field)!, true, name, context) };
    }
    return { meta: owner, items: await prefetchReverse(items, reverse, context) };
  }
  const known = [...[...meta.fields.values()].filter((f) => f.relation).map((f) => f.name), ...meta.manyToMany.keys(), ...meta.reverse.keys()];
  throw new QueryError(`prefetchRelated("${path}"): "${name}" is not a relation of ${meta.name} (relations: ${known.join(', ') || 'none'}).`);
}

/** Splits keys into `IN` lists the dialect can bind. */
export function chunks<V>(values: V[], size: number): V[][] {
  const out: V[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

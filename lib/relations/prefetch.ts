import { QueryError } from '../errors';
import { crossesDatabase } from '../query/cross-database';
import type { FieldMeta, ManyToManyMeta, ModelMeta, ReverseMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySetState } from '../query/state';
import { prefetchForward, prefetchReverse } from './foreign-key/prefetch';
import { prefetchManyToMany } from './many-to-many/prefetch';

/** Where prefetch queries run: the alias and schema of the queryset that asked. */
export interface PrefetchContext {
  alias: string;
  schema?: string;
}

/** One relation hop of a prefetch path, resolved against the model it starts from. */
type Hop =
  | { kind: 'forward'; field: FieldMeta; next: ModelMeta }
  | { kind: 'manyToMany'; owner: ModelMeta; m2m: ManyToManyMeta; reversed: boolean; next: ModelMeta }
  | { kind: 'reverse'; reverse: ReverseMeta; next: ModelMeta };

function hopOf(meta: ModelMeta, name: string, path: string): Hop {
  const field = meta.fields.get(name);
  if (field?.relation?.target) return { kind: 'forward', field, next: field.relation.target.meta };
  const m2m = meta.manyToMany.get(name);
  if (m2m?.target) return { kind: 'manyToMany', owner: meta, m2m, reversed: false, next: m2m.target.meta };
  const reverse = meta.reverse.get(name);
  if (reverse) {
    const owner = reverse.owner.meta;
    if (reverse.kind === 'manyToMany') return { kind: 'manyToMany', owner, m2m: owner.manyToMany.get(reverse.field)!, reversed: true, next: owner };
    return { kind: 'reverse', reverse, next: owner };
  }
  const known = [...[...meta.fields.values()].filter((f) => f.relation).map((f) => f.name), ...meta.manyToMany.keys(), ...meta.reverse.keys()];
  throw new QueryError(`prefetchRelated("${path}"): "${name}" is not a relation of ${meta.name} (relations: ${known.join(', ') || 'none'}).`);
}

/** Checks every path before any SQL runs. */
export function checkPrefetchPaths(meta: ModelMeta, paths: readonly string[]): void {
  for (const path of paths) {
    if (typeof path !== 'string' || !path) throw new QueryError('prefetchRelated() takes relation paths such as "posts_set__tags".');
    let current = meta;
    for (const name of path.split('__')) current = hopOf(current, name, path).next;
  }
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
    let prefix = '';
    for (const name of path.split('__')) {
      const from = reached.get(prefix)!;
      prefix = prefix ? `${prefix}__${name}` : name;
      if (reached.has(prefix)) continue;
      const hop = hopOf(from.meta, name, path);
      // A relation into another database is read there, on that model's own alias.
      const where = crossesDatabase(from.meta, hop.next) ? { alias: hop.next.database } : context;
      reached.set(prefix, { meta: hop.next, items: await load(hop, from.items, name, where) });
    }
  }
}

function load(hop: Hop, items: BaseModel[], name: string, context: PrefetchContext): Promise<BaseModel[]> {
  switch (hop.kind) {
    case 'forward':
      return prefetchForward(items, hop.field, context);
    case 'manyToMany':
      return prefetchManyToMany(items, hop.owner, hop.m2m, hop.reversed, name, context);
    case 'reverse':
      return prefetchReverse(items, hop.reverse, context);
  }
}

/** Splits keys into `IN` lists the dialect can bind. */
export function chunks<V>(values: V[], size: number): V[][] {
  const out: V[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

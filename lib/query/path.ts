import { QueryError } from '../errors';
import type { FieldMeta, ManyToManyMeta, ModelMeta, ReverseMeta } from '../metadata/types';
import { throughColumns } from '../relations/many-to-many/through-fields';
import { crossesDatabase } from './databases';
import { LOOKUPS } from './lookups';

/** One join of a hop: from a column of the table on its left to a column of `meta`'s table. */
export interface JoinStep {
  from: string;
  meta: ModelMeta;
  to: string;
  /** The join can match several rows per row on its left. */
  many: boolean;
}

/** What every hop knows: where it starts and ends, and how it joins. */
interface HopBase {
  /** The relation's name on `from`. */
  name: string;
  from: ModelMeta;
  target: ModelMeta;
  /** The hop can repeat rows of `from` (reverse foreign key, many-to-many). */
  many: boolean;
  /** `target` lives in another database than `from`: no join is possible. */
  crosses: boolean;
  /** A many-to-many's reverse path kept with `relatedName: false` (only related managers use it). */
  hidden: boolean;
  /** The joins from `from`'s table to `target`'s; undefined while a many-to-many has no through model. */
  joins(): JoinStep[] | undefined;
}

/** One relation crossed by a path, resolved against the model it starts from. */
export type Hop = HopBase &
  (
    | { kind: 'forward'; field: FieldMeta }
    | { kind: 'reverse'; reverse: ReverseMeta }
    | { kind: 'manyToMany'; owner: ModelMeta; m2m: ManyToManyMeta; reversed: boolean }
  );

/** A filter key resolved against a model: relations crossed, the compared field, the lookup. */
export interface ResolvedKey {
  /** Hop `i` stands at part `i` of the key. */
  hops: Hop[];
  /** Join identity of each hop: the relation names up to it (`pk` spelt as the key field's name). */
  paths: string[];
  field: FieldMeta;
  /** The compared column, unqualified (on the last hop's table, or the root's). */
  column: string;
  lookup: string;
  /** The path crossed a join that can repeat rows of the queried table. */
  multiValued: boolean;
  /** The path needed at least one join. */
  joined: boolean;
}

/** Counts of key parses and cache hits, for tests of the cache. @internal */
export const pathStats = { parsed: 0, hits: 0 };

interface PathCache {
  hops: Map<string, Hop>;
  keys: Map<string, ResolvedKey>;
  paths: Map<string, Hop[]>;
}

// Replaced (not cleared) on forget: cached hops reach into other models, so one model's change forgets all.
let caches = new WeakMap<ModelMeta, PathCache>();

function cacheOf(meta: ModelMeta): PathCache {
  let cache = caches.get(meta);
  if (!cache) caches.set(meta, (cache = { hops: new Map(), keys: new Map(), paths: new Map() }));
  return cache;
}

/** Forgets every resolved path (after any model's fields or relations change). */
export function forgetPaths(): void {
  caches = new WeakMap();
}

const pkColumn = (m: ModelMeta) => m.fields.get(m.pkName)!.column;

/** Computes `make` on first call, and again while it gives undefined (a through model not bound yet). */
function once<T>(make: () => T | undefined): () => T | undefined {
  let value: T | undefined;
  return () => (value ??= make());
}

/** The hop of a many-to-many, from its owner (`reversed` false) or from its target. */
function manyToManyHop(from: ModelMeta, name: string, owner: ModelMeta, m2m: ManyToManyMeta, reversed: boolean, hidden: boolean): Hop | undefined {
  if (!m2m.target) return undefined;
  const target = reversed ? owner : m2m.target.meta;
  const joins = once(() => {
    if (!m2m.through) return undefined;
    const { through, near, far } = throughColumns(owner, m2m, reversed);
    return [
      { from: pkColumn(from), meta: through, to: near, many: true },
      { from: far, meta: target, to: pkColumn(target), many: false },
    ];
  });
  return { kind: 'manyToMany', name, from, target, many: true, crosses: crossesDatabase(from, target), hidden, joins, owner, m2m, reversed };
}

/** The relation `name` of `meta`: a foreign key or one-to-one, a many-to-many, or a reverse accessor (hidden ones too). */
function findHop(meta: ModelMeta, name: string): Hop | undefined {
  const field = meta.fields.get(name);
  if (field?.relation) {
    const target = field.relation.target?.meta;
    if (!target) return undefined;
    const joins = once(() => [{ from: field.column, meta: target, to: pkColumn(target), many: false }]);
    return { kind: 'forward', name, from: meta, target, many: false, crosses: crossesDatabase(meta, target), hidden: false, joins, field };
  }
  const m2m = meta.manyToMany.get(name);
  if (m2m) return manyToManyHop(meta, name, meta, m2m, false, false);
  const hidden = !meta.reverse.has(name);
  const reverse = meta.reverse.get(name) ?? meta.hiddenReverse.get(name);
  if (!reverse) return undefined;
  const owner = reverse.owner.meta;
  if (reverse.kind === 'manyToMany') return manyToManyHop(meta, name, owner, owner.manyToMany.get(reverse.field)!, true, hidden);
  const many = reverse.kind === 'foreignKey';
  const joins = once(() => [{ from: pkColumn(meta), meta: owner, to: owner.fields.get(reverse.field)!.column, many }]);
  return { kind: 'reverse', name, from: meta, target: owner, many, crosses: crossesDatabase(meta, owner), hidden, joins, reverse };
}

/**
 * Whether a cached hop still describes its model: deleting a model and registering another under its name
 * rebinds relations without rebuilding every model's metadata (so without `forgetPaths`).
 */
function stillBound(hop: Hop): boolean {
  const { from, name } = hop;
  switch (hop.kind) {
    case 'forward':
      return from.fields.get(name) === hop.field && hop.field.relation?.target?.meta === hop.target;
    case 'reverse':
      return (from.reverse.get(name) ?? from.hiddenReverse.get(name)) === hop.reverse && hop.reverse.owner.meta === hop.target;
    case 'manyToMany':
      return hop.reversed
        ? (from.reverse.get(name) ?? from.hiddenReverse.get(name))?.owner.meta === hop.owner && hop.owner.manyToMany.get(hop.m2m.name) === hop.m2m
        : from.manyToMany.get(name) === hop.m2m && hop.m2m.target?.meta === hop.target;
  }
}

const allBound = (hops: readonly Hop[]) => hops.every(stillBound);

/** The relation `name` of `meta`, cached; undefined when it names none (not cached: models may still arrive). */
export function relationHop(meta: ModelMeta, name: string): Hop | undefined {
  const cache = cacheOf(meta).hops;
  const cached = cache.get(name);
  if (cached && stillBound(cached)) return cached;
  const hop = findHop(meta, name);
  if (hop) cache.set(name, hop);
  return hop;
}

/**
 * The hops of a relation path (`author__profile`, as `selectRelated` / `prefetchRelated` take), cached when
 * every name is a relation; otherwise the hops up to the first name that is not (its index is `hops.length`).
 */
export function relationPath(meta: ModelMeta, path: string): Hop[] {
  const cache = cacheOf(meta).paths;
  const cached = cache.get(path);
  if (cached && allBound(cached)) return cached;
  const names = path.split('__');
  const hops: Hop[] = [];
  let current = meta;
  for (const name of names) {
    const hop = relationHop(current, name);
    if (!hop) return hops;
    hops.push(hop);
    current = hop.target;
  }
  cache.set(path, hops);
  return hops;
}

/** The relation hops of a filter key as far as it resolves (the cross-database rewrite walks them). */
export function keyHops(root: ModelMeta, key: string): Hop[] {
  const parsed = parseKey(root, key);
  return parsed instanceof QueryError ? (parsedHops.get(parsed) ?? []) : parsed.hops;
}

/** Resolves a filter key, `orderBy` key or `values` name (`author__name__icontains`), cached per model and key. */
export function resolveKey(root: ModelMeta, key: string): ResolvedKey {
  const parsed = parseKey(root, key);
  if (parsed instanceof QueryError) throw parsed;
  return parsed;
}

// The hops a failed key resolved before its error, for `keyHops`.
const parsedHops = new WeakMap<QueryError, Hop[]>();

function parseKey(root: ModelMeta, key: string): ResolvedKey | QueryError {
  const cache = cacheOf(root).keys;
  const cached = cache.get(key);
  if (cached && (cached.hops.length === 0 || allBound(cached.hops))) {
    pathStats.hits++;
    return cached;
  }
  pathStats.parsed++;
  const parsed = walkKey(root, key);
  if (!(parsed instanceof QueryError)) cache.set(key, parsed);
  return parsed;
}

/** The walk itself: relations while the next part is not a lookup, then a column of the model reached. */
function walkKey(root: ModelMeta, key: string): ResolvedKey | QueryError {
  const parts = key.split('__');
  const hops: Hop[] = [];
  const paths: string[] = [];
  let meta = root;
  let path = '';
  const done = (field: FieldMeta, rest: string[]): ResolvedKey | QueryError => {
    const lookup = rest.length === 0 ? 'exact' : rest[0];
    if (rest.length > 1 || !LOOKUPS.has(lookup)) {
      return failed(`${root.name}: unknown lookup "${rest.join('__')}" in "${key}" (lookups: ${[...LOOKUPS].join(', ')}).`);
    }
    const multiValued = hops.some((h) => h.joins()!.some((j) => j.many));
    return { hops, paths, field, column: field.column, lookup, multiValued, joined: hops.length > 0 };
  };
  const failed = (message: string) => {
    const error = new QueryError(message);
    parsedHops.set(error, hops);
    return error;
  };
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i] === 'pk' ? meta.pkName : parts[i];
    const rest = parts.slice(i + 1);
    const ends = rest.length === 0 || LOOKUPS.has(rest[0]);
    const field = meta.fields.get(name) ?? meta.attnames.get(name);
    path = path ? `${path}__${name}` : name;
    // A plain column, or a foreign key compared by its own column (no join needed).
    if (field && (ends || !field.relation || field.name !== name)) return done(field, rest);
    const hop = relationHop(meta, name);
    if (!hop || !hop.joins()) {
      const names = [...meta.fields.keys(), ...meta.manyToMany.keys(), ...meta.reverse.keys()];
      return failed(`${root.name}: "${key}" names "${parts[i]}", which is not a field or relation of ${meta.name} (known: ${names.join(', ')}).`);
    }
    hops.push(hop);
    paths.push(path);
    meta = hop.target;
    if (ends) return done(meta.fields.get(meta.pkName)!, rest);
  }
  return failed(`${root.name}: "${key}" is incomplete.`);
}

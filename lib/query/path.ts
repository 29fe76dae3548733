import { QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import { findRelation } from '../relations/find';
import type { Relation } from '../relations/relation';
import { onMetadataChange } from './forget';
import { LOOKUPS } from './lookups';
import type { JsonStep } from '../dialects/json-sql';
import { JSON_LOOKUPS, jsonKeyParts } from './json-path';

/** A filter key resolved against a model: relations crossed, the compared field, the lookup. */
export interface ResolvedKey {
  /** Hop `i` stands at part `i` of the key. */
  hops: Relation[];
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
  /** Steps into a JSON field's value (`settings__tags__0` → `['tags', 0]`); `[]` for `has_key`/`contains` on the field itself. */
  jsonPath?: readonly JsonStep[];
}

/** Counts of key parses and cache hits, for tests of the cache. @internal */
export const pathStats = { parsed: 0, hits: 0 };

interface PathCache {
  hops: Map<string, Relation>;
  keys: Map<string, ResolvedKey>;
  paths: Map<string, Relation[]>;
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
onMetadataChange(forgetPaths);

const allBound = (hops: readonly Relation[]) => hops.every((hop) => hop.stillBound());

/** The relation `name` of `meta` (see `relations/find.ts`), cached; undefined when it names none (not cached: models may still arrive). */
export function relationOf(meta: ModelMeta, name: string): Relation | undefined {
  const cache = cacheOf(meta).hops;
  const cached = cache.get(name);
  if (cached && cached.stillBound()) return cached;
  const hop = findRelation(meta, name);
  if (hop) cache.set(name, hop);
  return hop;
}

/**
 * The hops of a relation path (`author__profile`, as `selectRelated` / `prefetchRelated` take), cached when
 * every name is a relation; otherwise the hops up to the first name that is not (its index is `hops.length`).
 */
export function relationPath(meta: ModelMeta, path: string): Relation[] {
  const cache = cacheOf(meta).paths;
  const cached = cache.get(path);
  if (cached && allBound(cached)) return cached;
  const names = path.split('__');
  const hops: Relation[] = [];
  let current = meta;
  for (const name of names) {
    const hop = relationOf(current, name);
    if (!hop) return hops;
    hops.push(hop);
    current = hop.target;
  }
  cache.set(path, hops);
  return hops;
}

/** The relation hops of a filter key as far as it resolves (the cross-database rewrite walks them). */
export function keyHops(root: ModelMeta, key: string): Relation[] {
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
const parsedHops = new WeakMap<QueryError, Relation[]>();

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
  const hops: Relation[] = [];
  const paths: string[] = [];
  let meta = root;
  let path = '';
  const done = (field: FieldMeta, rest: string[]): ResolvedKey | QueryError => {
    const multiValued = hops.some((h) => h.joins()!.some((j) => j.many));
    const resolved = { hops, paths, field, column: field.column, lookup: 'exact', multiValued, joined: hops.length > 0 };
    // After a JSON field the parts are keys into its value, then maybe a lookup.
    if (field.type === 'json' && rest.length > 0) {
      const json = jsonKeyParts(rest, LOOKUPS);
      if (typeof json === 'string') return failed(`${root.name}: "${key}" has ${json}.`);
      return json.path ? { ...resolved, lookup: json.lookup, jsonPath: json.path } : { ...resolved, lookup: json.lookup };
    }
    const lookup = rest.length === 0 ? 'exact' : rest[0];
    if (JSON_LOOKUPS.has(lookup)) return failed(`${root.name}: "${lookup}" in "${key}" applies to JSON fields only; ${field.name} is a ${field.type} field.`);
    if (rest.length > 1 || !LOOKUPS.has(lookup)) {
      return failed(`${root.name}: unknown lookup "${rest.join('__')}" in "${key}" (lookups: ${[...LOOKUPS].join(', ')}).`);
    }
    return { ...resolved, lookup };
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
    const hop = relationOf(meta, name);
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

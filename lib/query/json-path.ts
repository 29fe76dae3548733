import type { JsonStep } from '../dialects/json-sql';

/** Lookups only a JSON field takes (besides `contains`, which on a JSON field means JSON containment). */
export const JSON_LOOKUPS: ReadonlySet<string> = new Set(['has_key', 'has_keys', 'has_any_keys']);

/** Lookups that read the JSON value itself when they follow a JSON field directly (no key path). */
const ROOT_JSON_LOOKUPS = new Set([...JSON_LOOKUPS, 'contains']);

// An array index as a path part: digits without a leading zero, like Django (`tags__0`).
const INDEX = /^(0|[1-9][0-9]{0,8})$/;

/**
 * The parts of a filter key after a JSON field (`theme`, `tags__0__gt`, `has_key`): the JSON path (digits are array
 * indexes, anything else an object key) and the lookup (the last part when it names one, else `exact`). `path` is
 * undefined when the key compares the column as a whole (`settings__isnull`). A string is the reason it is refused.
 */
export function jsonKeyParts(rest: readonly string[], lookups: ReadonlySet<string>): { path?: JsonStep[]; lookup: string } | string {
  const last = rest[rest.length - 1];
  const named = lookups.has(last) || JSON_LOOKUPS.has(last);
  const lookup = named ? last : 'exact';
  const keys = named ? rest.slice(0, -1) : rest;
  if (keys.some((k) => k === '')) return 'an empty JSON key (a "____" in the key)';
  if (keys.length === 0 && !ROOT_JSON_LOOKUPS.has(lookup)) return { lookup };
  return { path: keys.map((k) => (INDEX.test(k) ? Number(k) : k)), lookup };
}

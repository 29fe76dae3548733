import type { Lookups, Q } from './q';

/** Lookups as short JSON for messages and lock names: instances as their key, bigints as digits. */
export function describeLookups(lookups: Lookups | Q | undefined): string {
  if (!lookups) return 'the queryset';
  try {
    return JSON.stringify(lookups, (_k, v) => (typeof v === 'bigint' ? v.toString() : v && typeof v === 'object' && 'pk' in v ? v.pk : v));
  } catch {
    return 'the lookups';
  }
}

/** The plain `field: value` pairs of lookups (no `__lookup`), usable as values of a new row. */
export function exactValues(lookups: Lookups): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(lookups)) {
    if (!key.includes('__')) out[key] = value;
    else if (key.endsWith('__exact') && !key.slice(0, -7).includes('__')) out[key.slice(0, -7)] = value;
  }
  return out;
}

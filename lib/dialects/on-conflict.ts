import type { ConflictAction } from './dialect';

/**
 * The standard `ON CONFLICT` clause PostgreSQL and SQLite share: `DO NOTHING` for any unique key, or `DO UPDATE SET col =
 * excluded.col` for a conflict on the `target` columns (they must be exactly a unique constraint's, in any order).
 * Identifiers only, quoted: every value stays a bound parameter of the VALUES list.
 */
export function onConflictSql(quote: (name: string) => string, conflict: ConflictAction): string {
  if (conflict.ignore) return 'on conflict do nothing';
  const set = conflict.update.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ');
  return `on conflict (${conflict.target.map(quote).join(', ')}) do update set ${set}`;
}

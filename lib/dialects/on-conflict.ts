import type { ConflictAction, Dialect } from './dialect';
import { insertValuesSql, type Marker } from './common';

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

/**
 * `Dialect.insertOnConflict` for a dialect with `INSERT … ON CONFLICT … RETURNING` (PostgreSQL; SQLite 3.35+): RETURNING
 * gives one key per row of an upsert (inserted or updated), in row order. Rows `DO NOTHING` skipped return none, so the
 * keys of a skipping insert cannot be matched to its rows and are not reported. `missing` is how the dialect writes a
 * column a row leaves out (PostgreSQL `default`; SQLite `null`, which makes an INTEGER PRIMARY KEY generate its value), `marker`
 * its placeholders.
 */
export function insertOnConflictReturning(quote: (name: string) => string, missing: 'default' | 'null', marker: Marker): Dialect['insertOnConflict'] {
  return async (run, _inTransaction, table, columns, rows, keyColumn, conflict) => {
    const { sql, bindings } = insertValuesSql(quote, table, columns, rows, missing, marker);
    const clause = onConflictSql(quote, conflict);
    if (conflict.ignore) {
      await run(`${sql} ${clause}`, bindings, 'count');
      return undefined;
    }
    const result = (await run(`${sql} ${clause} returning ${quote(keyColumn)}`, bindings, 'rows')) as Record<string, unknown>[];
    const keys = result.map((r) => r[keyColumn]);
    return keys.length === rows.length ? keys : undefined;
  };
}

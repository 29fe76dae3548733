import type { Dialect } from '../dialect';
import { insertValuesSql, quoteWith } from '../common';
import { onConflictSql } from '../on-conflict';

const quote = quoteWith('"');

/**
 * `INSERT … ON CONFLICT` (SQLite 3.35+ for RETURNING): one key per row of an upsert, inserted or updated, in row order.
 * Rows `DO NOTHING` skipped return none, so a skipping insert reports no keys. NULL makes an INTEGER PRIMARY KEY generate its value.
 */
export const sqliteInsertOnConflict: Dialect['insertOnConflict'] = async (runner, table, columns, rows, keyColumn, conflict) => {
  const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'null');
  const clause = onConflictSql(quote, conflict);
  if (conflict.ignore) {
    await runner.raw(`${sql} ${clause}`, bindings as never[]);
    return undefined;
  }
  const result: Record<string, unknown>[] = await runner.raw(`${sql} ${clause} returning ${quote(keyColumn)}`, bindings as never[]);
  const keys = result.map((r) => r[keyColumn]);
  return keys.length === rows.length ? keys : undefined;
};

import type { Dialect } from '../dialect';
import { insertValuesSql, quoteWith } from '../common';
import { onConflictSql } from '../on-conflict';

const quote = quoteWith('"');

/**
 * `INSERT … ON CONFLICT`: RETURNING gives one key per row of an upsert (inserted or updated), in row order. Rows `DO
 * NOTHING` skipped return none, so the keys of a skipping insert cannot be matched to its rows and are not reported.
 */
export const postgresInsertOnConflict: Dialect['insertOnConflict'] = async (runner, table, columns, rows, keyColumn, conflict) => {
  const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'default');
  const clause = onConflictSql(quote, conflict);
  if (conflict.ignore) {
    await runner.raw(`${sql} ${clause}`, bindings as never[]);
    return undefined;
  }
  const result = await runner.raw(`${sql} ${clause} returning ${quote(keyColumn)}`, bindings as never[]);
  const keys = (result.rows as Record<string, unknown>[]).map((r) => r[keyColumn]);
  return keys.length === rows.length ? keys : undefined;
};

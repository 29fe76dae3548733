import type { Dialect, RunSql, TableRef } from '../dialect';
import { insertValuesSql, quoteWith, valueKey } from '../common';

const quote = quoteWith('`');

/**
 * `INSERT … ON DUPLICATE KEY UPDATE`, which reacts to a duplicate of any unique key (it cannot name one, so `target` is
 * not written; keelson checked it names a unique key of the model). Skipping rows updates the key column to itself rather
 * than `INSERT IGNORE`, which would also turn foreign-key violations, NULLs in NOT NULL columns and too-long values into
 * warnings and write the row anyway. Without RETURNING, an upsert's keys are read back by the target columns in the same
 * transaction (the generated keys of a multi-row insert that updated some rows are not consecutive from LAST_INSERT_ID());
 * a skipping insert reports none, as on the other dialects.
 */
export const mysqlInsertOnConflict: Dialect['insertOnConflict'] = async (run, inTransaction, table, columns, rows, keyColumn, conflict) => {
  const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'default');
  const set = conflict.ignore ? `${quote(keyColumn)} = ${quote(keyColumn)}` : conflict.update.map((c) => `${quote(c)} = values(${quote(c)})`).join(', ');
  if (conflict.ignore) {
    await run(`${sql} on duplicate key update ${set}`, bindings, 'count');
    return undefined;
  }
  return inTransaction(async () => {
    await run(`${sql} on duplicate key update ${set}`, bindings, 'count');
    return keysByTarget(run, table, columns, rows, keyColumn, conflict.target);
  });
};

/** The key of each row, read by its `target` column values; undefined unless every row is found exactly once. */
async function keysByTarget(
  run: RunSql,
  table: TableRef,
  columns: string[],
  rows: unknown[][],
  keyColumn: string,
  target: readonly string[],
): Promise<unknown[] | undefined> {
  const at = target.map((c) => columns.indexOf(c));
  // A row without a value for a target column never conflicts, and cannot be found again by it.
  if (at.some((i) => i < 0) || rows.some((row) => at.some((i) => row[i] === undefined || row[i] === null))) return undefined;
  const tuple = `(${at.map(() => '?').join(', ')})`;
  const name = table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
  const found = (await run(
    `select ${[keyColumn, ...target].map(quote).join(', ')} from ${name} where (${target.map(quote).join(', ')}) in (${rows.map(() => tuple).join(', ')})`,
    rows.flatMap((row) => at.map((i) => row[i])),
    'rows',
  )) as Record<string, unknown>[];
  const identity = (values: unknown[]) => values.map(valueKey).join('\u0000');
  const keys = new Map<string, unknown>();
  for (const row of found) keys.set(identity(target.map((c) => row[c])), row[keyColumn]);
  const out = rows.map((row) => keys.get(identity(at.map((i) => row[i]))));
  return out.every((key) => key !== undefined) ? out : undefined;
}

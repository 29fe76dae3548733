import type { Dialect } from '../dialect';
import { insertValuesSql, quoteWith } from '../common';

const quote = quoteWith('`');

/**
 * `INSERT … ON DUPLICATE KEY UPDATE`, which reacts to a duplicate of any unique key (it cannot name one, so `target` is
 * not written; keelson checked it names a unique key of the model). Skipping rows updates the key column to itself rather
 * than `INSERT IGNORE`, which would also turn foreign-key violations, NULLs in NOT NULL columns and too-long values into
 * warnings and write the row anyway. No keys are reported: without RETURNING, the generated keys of a multi-row insert
 * that updated some rows are not consecutive from LAST_INSERT_ID().
 */
export const mysqlInsertOnConflict: Dialect['insertOnConflict'] = async (runner, table, columns, rows, keyColumn, conflict) => {
  const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'default');
  const set = conflict.ignore ? `${quote(keyColumn)} = ${quote(keyColumn)}` : conflict.update.map((c) => `${quote(c)} = values(${quote(c)})`).join(', ');
  await runner.raw(`${sql} on duplicate key update ${set}`, bindings as never[]);
  return undefined;
};

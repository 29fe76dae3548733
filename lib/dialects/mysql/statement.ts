import { wantsArrays, wantsRows, type StatementResult, type StatementRows } from '../dialect';

type Row = Record<string, unknown>;
interface MysqlConnection {
  query(
    options: { sql: string; rowsAsArray?: boolean },
    bindings: readonly unknown[],
    done: (error: Error | null, result: Row[] | { affectedRows: number; insertId: number }) => void,
  ): void;
}

/** Runs a compiled statement on a `mysql2` connection (text protocol, values escaped by the driver, as Knex sends them). */
export function runMysqlStatement(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult): Promise<StatementRows | number> {
  return new Promise((resolve, reject) =>
    (connection as MysqlConnection).query(wantsArrays(want) ? { sql, rowsAsArray: true } : { sql }, bindings, (error, result) => {
      if (error) return reject(error);
      if (wantsRows(want)) resolve(Array.isArray(result) ? result : []);
      else if (Array.isArray(result)) resolve(result.length);
      else resolve(want === 'insertId' ? result.insertId : result.affectedRows);
    }),
  );
}

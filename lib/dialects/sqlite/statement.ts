import type { StatementResult } from '../dialect';

type Row = Record<string, unknown>;
type Done<T> = (this: { changes?: number }, error: Error | null, result: T) => void;

/** The `sqlite3` driver's asynchronous connection, or `better-sqlite3`'s synchronous one (it has `pragma`). */
interface SqliteConnection {
  all?(sql: string, bindings: readonly unknown[], done: Done<Row[]>): void;
  run?(sql: string, bindings: readonly unknown[], done: Done<unknown>): void;
  pragma?: unknown;
  prepare(sql: string): { all(...bindings: unknown[]): Row[]; run(...bindings: unknown[]): { changes: number }; reader: boolean };
}

/** Runs a compiled statement on a SQLite connection: `all` for rows, `run` (its `changes`) for a count. */
export function runSqliteStatement(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult): Promise<Row[] | number> {
  const conn = connection as SqliteConnection;
  if (conn.pragma) return Promise.resolve().then(() => runSync(conn, sql, bindings, want));
  return new Promise((resolve, reject) => {
    if (want === 'rows') conn.all!(sql, bindings, (error, rows) => (error ? reject(error) : resolve(rows)));
    else
      conn.run!(sql, bindings, function (error) {
        if (error) reject(error);
        else resolve(this.changes ?? 0);
      });
  });
}

type Prepared = ReturnType<SqliteConnection['prepare']>;

/** Prepared statements kept per better-sqlite3 connection: preparing costs more than running a small read. */
const PREPARED_PER_CONNECTION = 200;
const prepared = new WeakMap<SqliteConnection, Map<string, Prepared>>();

/** The connection's prepared statement for `sql`, kept (oldest dropped first) while the connection lives. */
function preparedFor(conn: SqliteConnection, sql: string): Prepared {
  let statements = prepared.get(conn);
  if (!statements) prepared.set(conn, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    statement = conn.prepare(sql);
    if (statements.size >= PREPARED_PER_CONNECTION) statements.delete(statements.keys().next().value!);
    statements.set(sql, statement);
  }
  return statement;
}

/** better-sqlite3: booleans and dates are not bindable there, as Knex's client converts them too. */
function runSync(conn: SqliteConnection, sql: string, bindings: readonly unknown[], want: StatementResult): Row[] | number {
  const values = bindings.map((b) => (typeof b === 'boolean' ? Number(b) : b instanceof Date ? b.valueOf() : b));
  const statement = preparedFor(conn, sql);
  if (want === 'rows') return statement.reader ? statement.all(...values) : (statement.run(...values), []);
  return statement.run(...values).changes;
}

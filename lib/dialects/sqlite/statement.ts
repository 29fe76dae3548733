import { wantsArrays, wantsFirst, wantsRows, type StatementResult, type StatementRows } from '../dialect';

type Row = Record<string, unknown>;
type Done<T> = (this: { changes?: number }, error: Error | null, result: T) => void;

/** A statement the `sqlite3` driver prepared: run with new values each time, finalized when dropped. */
interface Sqlite3Statement {
  all(bindings: readonly unknown[], done: Done<Row[]>): void;
  each(bindings: readonly unknown[], row: (error: Error | null, row: Row) => void, done: (error: Error | null) => void): void;
  run(bindings: readonly unknown[], done: Done<unknown>): void;
  finalize(done?: () => void): void;
}

/** The `sqlite3` driver's asynchronous connection, or `better-sqlite3`'s synchronous one (it has `pragma`). */
interface SqliteConnection {
  pragma?: unknown;
  prepare(sql: string, done?: (error: Error | null) => void): unknown;
}

/** Statements kept prepared per connection: preparing costs more than running a small read, on both drivers. */
const PREPARED_PER_CONNECTION = 200;

/** Keeps `value` under `sql`; past the limit the oldest entry is dropped and returned (to finalize, on sqlite3). */
function keep<V>(kept: Map<string, V>, sql: string, value: V): V | undefined {
  let dropped: V | undefined;
  if (kept.size >= PREPARED_PER_CONNECTION) {
    const [oldestSql, oldest] = kept.entries().next().value!;
    kept.delete(oldestSql);
    dropped = oldest;
  }
  kept.set(sql, value);
  return dropped;
}

/**
 * Runs a compiled statement on a SQLite connection: `all` for rows, `run` (its `changes`) for a count, on a
 * statement prepared once per connection and text.
 */
export function runSqliteStatement(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult): Promise<StatementRows | number> {
  const conn = connection as SqliteConnection;
  if (conn.pragma) {
    // Synchronous: one settled promise, no turn of the microtask queue in between.
    try {
      return Promise.resolve(runSync(conn, sql, bindings, want));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const cached = asyncStatements.get(conn)?.get(sql);
  // A statement ready to run is used without a promise in between.
  if (cached && !(cached instanceof Promise)) return runAsync(cached, bindings, want);
  return (cached ?? prepareAsync(conn, sql)).then((statement) => runAsync(statement, bindings, want));
}

/** `runSqliteStatement` done now on a better-sqlite3 connection; undefined (nothing run) on a `sqlite3` one. */
export function runSqliteStatementNow(
  connection: unknown,
  sql: string,
  bindings: readonly unknown[],
  want: StatementResult,
): StatementRows | number | undefined {
  const conn = connection as SqliteConnection;
  return conn.pragma ? runSync(conn, sql, bindings, want) : undefined;
}

/** sqlite3 reads rows as objects only: `arrays` gets those. */
function runAsync(statement: Sqlite3Statement, bindings: readonly unknown[], want: StatementResult): Promise<Row[] | number> {
  return new Promise((resolve, reject) => {
    if (want === 'stepped') {
      // Rows arrive while the worker steps on; an error reported after completion finds the promise settled
      // (its rows then stand, short: the caller reads again after them, see `Dialect.stepsRows`).
      const rows: Row[] = [];
      statement.each(
        bindings,
        (error, row) => (error ? reject(error) : rows.push(row)),
        (error) => (error ? reject(error) : resolve(rows)),
      );
    } else if (wantsRows(want)) statement.all(bindings, (error, rows) => (error ? reject(error) : resolve(rows)));
    else
      statement.run(bindings, function (error) {
        if (error) reject(error);
        else resolve(this.changes ?? 0);
      });
  });
}

const asyncStatements = new WeakMap<SqliteConnection, Map<string, Sqlite3Statement | Promise<Sqlite3Statement>>>();

/** Prepares `sql` on a `sqlite3` connection and keeps it (oldest finalized first); a statement that fails to prepare is not kept. */
function prepareAsync(conn: SqliteConnection, sql: string): Promise<Sqlite3Statement> {
  let statements = asyncStatements.get(conn);
  if (!statements) asyncStatements.set(conn, (statements = new Map()));
  const kept = statements;
  const preparing = new Promise<Sqlite3Statement>((resolve, reject) => {
    const statement = conn.prepare(sql, (error) => {
      // Still kept (not dropped to make room meanwhile): kept as the statement itself from now on, or not at all.
      if (kept.get(sql) === preparing) {
        if (error) kept.delete(sql);
        else kept.set(sql, statement);
      }
      if (error) reject(error);
      else resolve(statement);
    }) as Sqlite3Statement;
  });
  const dropped = keep(kept, sql, preparing);
  if (dropped) {
    void Promise.resolve(dropped).then(
      (statement) => statement.finalize(),
      () => undefined,
    );
  }
  return preparing;
}

/** Finalizes the statements kept for a `sqlite3` connection: it cannot close while any is open. */
export async function finalizeStatements(connection: unknown): Promise<void> {
  const statements = asyncStatements.get(connection as SqliteConnection);
  if (!statements) return;
  asyncStatements.delete(connection as SqliteConnection);
  await Promise.all(
    [...statements.values()].map((kept) =>
      Promise.resolve(kept).then(
        (statement) => new Promise<void>((resolve) => statement.finalize(() => resolve())),
        () => undefined,
      ),
    ),
  );
}

/** A statement better-sqlite3 prepared (no finalizing: it goes with the garbage). */
interface Prepared {
  all(...bindings: unknown[]): StatementRows;
  get(...bindings: unknown[]): Row | undefined;
  run(...bindings: unknown[]): { changes: number };
  raw(on: boolean): Prepared;
  reader: boolean;
}
const prepared = new WeakMap<SqliteConnection, Map<string, Prepared>>();
/** Statements in raw mode (rows as arrays), apart from the others: the mode belongs to the statement. */
const preparedRaw = new WeakMap<SqliteConnection, Map<string, Prepared>>();

/** The connection's prepared statement for `sql` (in raw mode for `arrays`), kept (oldest dropped first) while the connection lives. */
function preparedFor(conn: SqliteConnection, sql: string, arrays: boolean): Prepared {
  const kept = arrays ? preparedRaw : prepared;
  let statements = kept.get(conn);
  if (!statements) kept.set(conn, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) {
    statement = conn.prepare(sql) as Prepared;
    // Only a statement that returns rows has a raw mode.
    if (arrays && statement.reader) statement.raw(true);
    keep(statements, sql, statement);
  }
  return statement;
}

/** Whether any value is a boolean or a Date (a plain loop: this runs for every statement on better-sqlite3). */
function needsConverting(bindings: readonly unknown[]): boolean {
  for (let i = 0; i < bindings.length; i++) {
    const b = bindings[i];
    if (typeof b === 'boolean' || b instanceof Date) return true;
  }
  return false;
}

/** better-sqlite3: booleans and dates are not bindable there, as Knex's client converts them too. */
function runSync(conn: SqliteConnection, sql: string, bindings: readonly unknown[], want: StatementResult): StatementRows | number {
  const values = needsConverting(bindings) ? bindings.map((b) => (typeof b === 'boolean' ? Number(b) : b instanceof Date ? b.valueOf() : b)) : bindings;
  const statement = preparedFor(conn, sql, wantsArrays(want));
  if (!wantsRows(want)) return statement.run(...values).changes;
  if (!statement.reader) {
    statement.run(...values);
    return [];
  }
  if (!wantsFirst(want)) return statement.all(...values);
  // One row known to come: read it alone (the statement is reset after it, its work done and committed).
  const row = statement.get(...values);
  return row === undefined ? [] : [row];
}

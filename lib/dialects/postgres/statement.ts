import { randomBytes } from 'node:crypto';
import { Query, type QueryArrayConfig, type QueryConfig } from 'pg';
import { wantsArrays, wantsRows, type StatementOptions, type StatementResult, type StatementRows } from '../dialect';

type Result = { rows: StatementRows; rowCount: number | null };

/** A `pg` client: its query call, and the protocol connection where it records the named statements it parsed. */
interface PgConnection {
  query(query: Query): unknown;
  query(text: string): Promise<Result>;
  connection?: { parsedStatements?: Record<string, string>; submittedNamedStatements?: Record<string, string> };
}

/**
 * Sends `sql` as one `pg` query, under the server-side `name` when given. The query object is built here: given a
 * config object, `pg` copies it property by property (slow on a hot path), and wraps its own promise around ours.
 */
function send(conn: PgConnection, sql: string, bindings: readonly unknown[], name: string | undefined, arrays: boolean): Promise<Result> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, result: unknown) => (error ? reject(error) : resolve(result as Result));
    // Rows as arrays: `pg` builds no object per row.
    const query: Query & { name?: string } = arrays ? arrayQuery(sql, bindings as unknown[], done) : new Query(sql, bindings as unknown[], done);
    if (name) query.name = name;
    conn.query(query);
  });
}

/** What `arrayQuery` changes on a `pg` query: the row mode and the result it reads rows into. */
interface QueryRowMode {
  _rowMode?: string;
  _result?: { constructor: unknown; rowAsArray?: boolean };
  _results?: unknown;
  types?: unknown;
}

/**
 * A `pg` query that reads rows as arrays. `pg` takes the row mode from a config object only, which it copies
 * through property descriptors first (pg 8.23: several microseconds a query, as much as the rest of keelson's
 * primary-key read). Built from the text, the query gets its result object replaced by one in array mode;
 * should `pg`'s internals ever differ, the config object is used after all.
 */
function arrayQuery(sql: string, values: unknown[], done: (error: Error | undefined, result: unknown) => void): Query {
  const query = new Query(sql, values, done) as Query & QueryRowMode;
  const Result = query._result?.constructor as (new (rowMode: string, types: unknown) => QueryRowMode['_result']) | undefined;
  if ('_rowMode' in query && query._results === query._result && typeof Result === 'function') {
    const result = new Result('array', query.types);
    if (result?.rowAsArray === true) {
      query._rowMode = 'array';
      query._result = query._results = result;
      return query;
    }
  }
  return new Query({ text: sql, values, rowMode: 'array' } as QueryArrayConfig as QueryConfig, undefined, done);
}

/**
 * Statement texts a connection ran, least recently used first: the server-side name of those prepared, 0 for
 * those seen once. `generation` is the DDL generation they were prepared under.
 */
interface PreparedSet {
  generation: number;
  texts: Map<string, string | 0>;
  /** Names evicted or gone stale, deallocated on the server before the connection's next statement. */
  stale: string[];
  /** Characters of SQL prepared (the server's memory for them grows with their length). */
  chars: number;
}

/**
 * SQL text kept prepared per connection, in characters: the server holds a parsed statement and its plans for
 * each, and a bulk INSERT of thousands of rows is hundreds of kilobytes of SQL.
 */
const PREPARED_CHARS_PER_CONNECTION = 1 << 20;

const preparedSets = new WeakMap<PgConnection, PreparedSet>();

/** Bumped by every ALTER or DROP statement this process sends: a prepared SELECT may then return other types. */
let ddlGeneration = 0;

/** Server-side statement names, unique to this process (`k<random>_<n>`) so two processes behind one PgBouncer never collide. */
const namePrefix = `k${randomBytes(3).toString('hex')}_`;
let names = 0;

/**
 * SQLSTATEs of a named statement the server cannot use: its plan would now return other column types after
 * DDL (0A000, "cached plan must not change result type"), or it is gone or already taken on this server
 * connection (26000, 42P05: a pooler such as PgBouncer in transaction mode moved the client to another one).
 */
const STALE = new Set(['0A000', '26000', '42P05']);
/** Of those, the ones that say server connections are shared: preparing is then turned off for the database. */
const POOLER = new Set(['26000', '42P05']);

/** Notes a statement keelson sends through Knex: schema changes make the prepared statements of every connection stale. */
export function notePgStatement(sql: string): void {
  if (/^\s*(alter|drop)\s/i.test(sql)) ddlGeneration++;
}

/**
 * Runs a compiled statement on a `pg` client, values bound by the driver. A statement text run a second time on
 * the same connection becomes a named server-side prepared statement (kept up to `options.prepare` per
 * connection, least recently used deallocated first), so the server skips parsing and planning it again.
 */
export async function runPgStatement(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult, options: StatementOptions) {
  const conn = connection as PgConnection;
  let name: string | undefined;
  if (options.prepare > 0) {
    const set = preparedSet(conn);
    if (set.stale.length > 0) await deallocate(conn, set);
    name = nameFor(set, sql, options.prepare);
  }
  const arrays = wantsArrays(want);
  let result: Result;
  if (!name) result = await send(conn, sql, bindings, undefined, arrays);
  else {
    try {
      result = await send(conn, sql, bindings, name, arrays);
    } catch (error) {
      const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
      if (typeof code !== 'string' || !STALE.has(code)) throw error;
      // 0A000 is every "feature not supported"; only the plan cache's is about the statement being prepared.
      if (code === '0A000' && !/cached plan/i.test(String(message))) throw error;
      const set = preparedSet(conn);
      if (set.texts.get(sql) === name) drop(set, sql);
      // A plan gone stale still exists on the server, to deallocate; a lost one does not.
      if (code !== '0A000') set.stale = set.stale.filter((n) => n !== name);
      unmark(conn, name);
      if (POOLER.has(code)) options.onPoolerDetected();
      // Inside a transaction the failed statement aborted it: only the caller can start over.
      if (options.inTransaction) throw error;
      if (set.stale.length > 0) await deallocate(conn, set);
      result = await send(conn, sql, bindings, undefined, arrays);
    }
  }
  return wantsRows(want) ? result.rows : (result.rowCount ?? 0);
}

/** The connection's prepared statements, started afresh (the old ones to deallocate) after DDL. */
function preparedSet(conn: PgConnection): PreparedSet {
  let set = preparedSets.get(conn);
  if (!set || set.generation !== ddlGeneration) {
    const stale = set ? [...set.stale, ...[...set.texts.values()].filter((n): n is string => !!n)] : [];
    set = { generation: ddlGeneration, texts: new Map(), stale, chars: 0 };
    preparedSets.set(conn, set);
  }
  return set;
}

/** The server-side name to run `sql` under: undefined the first time the connection sees it. */
function nameFor(set: PreparedSet, sql: string, limit: number): string | undefined {
  const texts = set.texts;
  const seen = texts.get(sql);
  if (seen === undefined) {
    // Texts seen once count toward the limit too, so a stream of one-off statements cannot grow the map.
    if (texts.size >= limit) drop(set, texts.keys().next().value!);
    texts.set(sql, 0);
    return undefined;
  }
  // A statement too long for the connection's budget runs unprepared (it stays known as seen).
  if (!seen && sql.length > PREPARED_CHARS_PER_CONNECTION) return undefined;
  // Most recently used last: delete and set again.
  texts.delete(sql);
  const name = seen || `${namePrefix}${++names}`;
  texts.set(sql, name);
  if (!seen) {
    set.chars += sql.length;
    // The least recently used prepared statements make room (never the one just named: it is last).
    for (const [text, named] of texts) {
      if (set.chars <= PREPARED_CHARS_PER_CONNECTION) break;
      if (named) drop(set, text);
    }
  }
  return name;
}

/** Forgets `sql` on the connection, deallocating its prepared statement (if any) before the next statement. */
function drop(set: PreparedSet, sql: string): void {
  const name = set.texts.get(sql);
  set.texts.delete(sql);
  if (!name) return;
  set.chars -= sql.length;
  set.stale.push(name);
}

/**
 * Deallocates the connection's stale statements on the server before its next statement (a rare round trip: after
 * an eviction or DDL). Should that fail (a transaction already aborted), they live on until the connection
 * closes; names are never reused, so nothing runs the wrong one.
 */
async function deallocate(conn: PgConnection, set: PreparedSet): Promise<void> {
  const stale = set.stale.splice(0);
  for (const n of stale) unmark(conn, n);
  await conn.query(stale.map((n) => `DEALLOCATE "${n}"`).join('; ')).catch(() => undefined);
}

/** Makes `pg` forget it parsed `name` on this connection (it would otherwise skip the parse next time). */
function unmark(conn: PgConnection, name: string): void {
  delete conn.connection?.parsedStatements?.[name];
  delete conn.connection?.submittedNamedStatements?.[name];
}

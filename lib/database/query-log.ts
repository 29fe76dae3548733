import type { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../errors';
import { logger } from '../registry/logger';
import { maskBindings, maskText, SECRET_MARK, watchSecrets } from './secret-bindings';

/** One statement a database ran, as an `onQuery` listener receives it. */
export interface QueryEvent {
  /** The SQL as sent, with the driver's placeholders (`?`, or `$1` on PostgreSQL). */
  sql: string;
  /** The bound values, those of `secret` fields replaced by `'[secret]'` (`raw()` bindings name no field: they are shown as given). */
  bindings: readonly unknown[];
  /** From sending the statement to its result (or its failure), in milliseconds. */
  durationMs: number;
  /** The database's alias in the registry (`'default'` for the primary). */
  alias: string;
  /** Set when the statement failed: the `DatabaseError` the query throws, secret values masked in its message. */
  error?: Error;
}

/** A listener of every statement a database runs (`onQuery` of `Registry` and `Database`). */
export type QueryListener = (event: QueryEvent) => void;

/** The statement part of a Knex query event. */
interface KnexQueryData {
  __knexUid?: string;
  __knexQueryUid?: string;
  sql: string;
  bindings?: readonly unknown[];
}

/** Start times kept at most: a statement that never reports an end (a stream) is forgotten past this many. */
const PENDING_LIMIT = 10_000;

/** Listeners that threw once: each is reported once, not on every statement. */
const warned = new WeakSet<QueryListener>();

/** Whether `KEELSON_LOG_SQL` asks for every statement on stderr. */
const envAsksToPrint = (value: string | undefined): boolean => value === '1' || value === 'true';

/**
 * The query log of one database: its `onQuery` listeners and `KEELSON_LOG_SQL` printing. It listens to Knex's
 * query events (transactions' statements included) only when someone wants them, so a database that logs
 * nothing does no work per statement. Transaction control (BEGIN, COMMIT, SAVEPOINT…) reports no end in
 * Knex and is not logged.
 */
export class QueryLog {
  /** The alias events of the database's own listener (and printed lines) name; set by the first registry using it. */
  alias: string | undefined;
  private readonly listeners: { listener: QueryListener; alias: string | undefined }[] = [];
  private readonly started = new Map<string, number>();
  private readonly printing: boolean;
  private hooked: Knex | undefined;

  constructor(
    private readonly wrapError: (error: unknown) => Error,
    listener?: QueryListener,
  ) {
    this.printing = envAsksToPrint(process.env.KEELSON_LOG_SQL);
    if (listener) this.add(listener, undefined);
    if (this.printing) watchSecrets();
  }

  /** Whether anything listens. */
  get active(): boolean {
    return this.printing || this.listeners.length > 0;
  }

  /** Adds a listener whose events name `alias` (the database's alias when undefined); a listener added twice under one alias is called once. */
  add(listener: QueryListener, alias: string | undefined): void {
    if (typeof listener !== 'function') throw new ConfigurationError(`onQuery must be a function (event) => void, got ${typeof listener}.`);
    if (this.listeners.some((l) => l.listener === listener && l.alias === alias)) return;
    this.listeners.push({ listener, alias });
    watchSecrets();
  }

  /** Listens to `knex`'s query events when anything listens (once per Knex instance). */
  attach(knex: Knex): void {
    if (!this.active || this.hooked === knex) return;
    this.hooked = knex;
    // Knex calls these inside the query's own promise chain: whatever happens here must not reach the query.
    knex.on('query', (data: KnexQueryData) => this.guarded(() => this.start(data)));
    knex.on('query-response', (_response: unknown, data: KnexQueryData) => this.guarded(() => this.finish(data, undefined)));
    knex.on('query-error', (error: unknown, data: KnexQueryData) => this.guarded(() => this.finish(data, error)));
  }

  private guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      logger.warn(`the query log failed (${error instanceof Error ? error.message : String(error)}); the query was not affected.`);
    }
  }

  private start(data: KnexQueryData): void {
    this.started.set(keyOf(data), performance.now());
    if (this.started.size > PENDING_LIMIT) this.started.delete(this.started.keys().next().value!);
  }

  private finish(data: KnexQueryData, failure: unknown): void {
    const key = keyOf(data);
    const startedAt = this.started.get(key);
    if (startedAt === undefined) return;
    this.started.delete(key);
    const event: QueryEvent = {
      sql: data.sql,
      bindings: maskBindings(data.bindings ?? []),
      durationMs: performance.now() - startedAt,
      alias: this.alias ?? 'default',
    };
    if (failure !== undefined) event.error = maskedError(this.wrapError(failure));
    if (this.printing) process.stderr.write(`${logLine(event)}\n`);
    for (const { listener, alias } of this.listeners) call(listener, alias === undefined ? event : { ...event, alias });
  }
}

/** A statement's key for pairing its start and end: Knex's query id, else (schema statements) its connection's. */
const keyOf = (data: KnexQueryData): string => data.__knexQueryUid ?? `connection:${String(data.__knexUid)}`;

/** The error with the secret values noted so far masked in its message (Knex quotes the statement there). */
function maskedError(error: Error): Error {
  const message = maskText(error.message);
  if (message !== error.message) error.message = message;
  return error;
}

/** Calls a listener; one that throws (or rejects) leaves the query alone and is reported once. */
function call(listener: QueryListener, event: QueryEvent): void {
  const report = (error: unknown) => {
    if (warned.has(listener)) return;
    warned.add(listener);
    logger.warn(
      `an onQuery listener threw (${error instanceof Error ? error.message : String(error)}); the query was not affected. Further errors of this listener are not reported.`,
    );
  };
  try {
    const result: unknown = listener(event);
    if (result instanceof Promise) result.catch(report);
  } catch (error) {
    report(error);
  }
}

/** One binding as the printed line shows it. */
function showBinding(value: unknown): string {
  if (value === SECRET_MARK) return SECRET_MARK;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The line `KEELSON_LOG_SQL=1` prints for a statement: alias, duration, SQL on one line, bindings, failure. */
export function logLine(event: QueryEvent): string {
  const sql = event.sql.replace(/\s+/g, ' ').trim();
  const bindings = event.bindings.length ? ` [${event.bindings.map(showBinding).join(', ')}]` : '';
  const failure = event.error ? ` failed: ${event.error.message.replace(/\s+/g, ' ')}` : '';
  return `keelson sql ${event.alias} ${event.durationMs.toFixed(1)}ms ${sql}${bindings}${failure}`;
}

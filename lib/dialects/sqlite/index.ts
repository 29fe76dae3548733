import type { Knex } from 'knex';
import type { FieldType } from '../../metadata/types';
import * as path from 'node:path';
import type { Dialect } from '../dialect';
import { sqliteJsonSql } from './json';
import { sqliteUnfitSql } from './unfit';
import { NotSupportedError } from '../../errors';
import {
  addPortableColumn,
  withAfterCreate,
  connectionFailureWith,
  driverErrorCode,
  insertRowsReturning,
  questionMark,
  likePattern,
  portableFromDb,
  portableToDb,
  quoteWith,
} from '../common';
import { introspectSqlite } from './introspect';
import { addSqliteConstraints } from './constraints';
import { sqliteColumnTypeMatches, sqliteTypeName } from './column-type';
import { addRawColumn, arraysNotSupported, isRawColumn } from '../raw-column';
import { sqliteMigrations } from './migrations';
import { integrityViolation } from './integrity';
import { insertOnConflictReturning } from '../on-conflict';
import { runSqliteStatement, runSqliteStatementNow } from './statement';
import { KeelsonSqlite3Client } from './client';

const quote = quoteWith('"');

type SqliteConnection = { run?(sql: string, cb: (err: Error | null) => void): void; pragma?(sql: string): unknown };

/** Switches foreign-key enforcement on for a new connection (SQLite has it off by default): sqlite3 or better-sqlite3. */
function foreignKeysOn(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void): void {
  if (conn.run) return conn.run('PRAGMA foreign_keys = ON', (err) => done(err, conn));
  try {
    conn.pragma?.('foreign_keys = ON');
    done(null, conn);
  } catch (error) {
    done(error as Error, conn);
  }
}

/**
 * SQLite through the `sqlite3` driver, or `better-sqlite3` when asked (synchronous: each statement blocks the
 * event loop while it runs, and skips sqlite3's worker-thread round trip): one connection, foreign keys
 * switched on, dates stored as ISO text.
 */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  client: 'sqlite3',
  drivers: ['sqlite3', 'better-sqlite3'],
  displayName: 'SQLite',
  partialIndexes: true,
  quoteIdentifier: quote,
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32; stay well below for statement size.
  maxBindings: 32766,
  supportsReturning: true,
  transactionalDdl: true,
  inlineForwardReferences: true,
  supportsSchemas: false,
  urlNamesFile: true,
  memoryUrls: [':memory:', '//:memory:'],
  renameTableNeedsQualifiedNames: false,
  migrations: sqliteMigrations,
  knexConfig(url) {
    const filename = url.database === ':memory:' ? ':memory:' : path.resolve(url.database);
    return {
      // keelson's sqlite3 client finalizes the statements kept prepared on a connection before closing it.
      client: url.driver === undefined || url.driver === 'sqlite3' ? (KeelsonSqlite3Client as unknown as typeof Knex.Client) : url.driver,
      connection: { filename },
      useNullAsDefault: true,
      // One connection: an in-memory database exists per connection, and SQLite serializes writers anyway.
      pool: {
        min: 1,
        max: 1,
        afterCreate: foreignKeysOn,
      },
    };
  },
  stepsRows: (config) => (config.client as unknown) === KeelsonSqlite3Client,
  knexConfigFrom(config) {
    const client = config.client === 'sqlite3' ? (KeelsonSqlite3Client as unknown as typeof Knex.Client) : config.client;
    return { useNullAsDefault: true, ...config, client, pool: withAfterCreate(config.pool, foreignKeysOn as never) };
  },
  addColumn(t, c) {
    if (c.type === 'array') throw arraysNotSupported('SQLite', c);
    if (isRawColumn(c)) return addRawColumn(t, c, c.dbType ?? sqliteTypeName(c));
    return addPortableColumn(t, c);
  },
  columnTypeMatches: sqliteColumnTypeMatches,
  defaultlessTypes: new Set<FieldType>([]),
  // SQLite has no DEFAULT inside VALUES; NULL makes an INTEGER PRIMARY KEY generate its value.
  insertRows: insertRowsReturning(quote, 'null', questionMark),
  insertOnConflict: insertOnConflictReturning(quote, 'null', questionMark),
  async listTables(knex) {
    const rows: { name: string }[] = await knex.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'");
    return new Set(rows.map((r) => r.name));
  },
  // Datetimes and times are stored as ISO text (dates already are by now); booleans as 0/1.
  toDb(type, value) {
    const portable = portableToDb(type, value);
    if (portable instanceof Date) return portable.toISOString();
    if (typeof portable === 'boolean') return portable ? 1 : 0;
    return portable;
  },
  fromDb: portableFromDb,
  ignoreDuplicates: (insert, columns) => insert.onConflict(columns).ignore(),
  nullSafeEquals: (a, b) => `${a} is ${b}`,
  // NULLS FIRST/LAST since SQLite 3.30.
  orderNulls: (e, descending, nulls) => ({ sql: `${e} ${descending ? 'desc' : 'asc'} nulls ${nulls}`, repeats: 1 }),
  nullsSortFirst: true,
  // SQLite's avg() is always a float: a per-row `* 1e0` would only cost time (a tenth of a grouped read).
  floatAverage: (argument, distinct) => `avg(${distinct ? 'distinct ' : ''}${argument})`,
  lockRows: (select) => select,
  locksOuterJoins: true,
  // SQLite allows 32,766 parameters per statement: a long list travels as one JSON array instead.
  inList(column, values) {
    return { sql: `${column} in (select value from json_each(?))`, bindings: [JSON.stringify(values)] };
  },
  // LIKE is case-insensitive on SQLite, so case-sensitive matches use GLOB (wildcards escaped as classes).
  match(column, mode, value, insensitive) {
    if (insensitive) return { sql: `${column} like ? escape '!'`, bindings: [likePattern(mode, value)] };
    const glob = value.replace(/[*?[]/g, (c) => `[${c}]`);
    const pattern = mode === 'contains' ? `*${glob}*` : mode === 'startswith' ? `${glob}*` : mode === 'endswith' ? `*${glob}` : glob;
    return { sql: `${column} glob ?`, bindings: [pattern] };
  },
  async createSchema(_knex, name) {
    throw new NotSupportedError(`Schema "${name}" cannot be created: SQLite has no schemas (use another database file).`);
  },
  async dropSchema(_knex, name) {
    throw new NotSupportedError(`Schema "${name}" cannot be dropped: SQLite has no schemas.`);
  },
  async defaultSchema() {
    throw new NotSupportedError('SQLite has no schemas, so it has no default schema.');
  },
  async listSchemas() {
    throw new NotSupportedError('SQLite has no schemas to list.');
  },
  async introspect(knex, schema, only) {
    const tables = await introspectSqlite(knex, schema, only);
    await addSqliteConstraints(knex, schema, tables);
    return tables;
  },
  errorCode: driverErrorCode,
  // A file database has no connection to lose; a file that cannot be opened is SQLITE_CANTOPEN.
  connectionFailure: connectionFailureWith((code) => code === 'SQLITE_CANTOPEN', /^$/),
  integrityViolation,
  runStatement: runSqliteStatement,
  runStatementNow: runSqliteStatementNow,
  rawRows: (result) => (Array.isArray(result) ? (result as Record<string, unknown>[]) : []),
  unfit: sqliteUnfitSql,
  json: sqliteJsonSql,
};

import type { FieldType } from '../../metadata/types';
import type { Knex } from 'knex';
import { types as pgTypes } from 'pg';
import type { Dialect } from '../dialect';
import { postgresJsonSql } from './json';
import { postgresMigrations } from './migrations';
import { postgresDefaultSchema, postgresSchemas } from './schemas';
import { postgresUnfitSql } from './unfit';
import {
  addPortableColumn,
  withAfterCreate,
  quotedBody,
  driverErrorCode,
  connectionFailureWith,
  insertRowsReturning,
  numberedMarker,
  serverConnection,
  likePattern,
  portableFromDb,
  portableToDb,
  quoteWith,
} from '../common';
import { KeelsonPgClient } from './client';
import { introspectPostgres } from './introspect';
import { addPostgresConstraints } from './constraints';
import { postgresColumnTypeMatches } from './column-type';
import { postgresRawType } from './type-names';
import { addRawColumn, isRawColumn } from '../raw-column';
import { integrityViolation } from './integrity';
import { streamRows } from './cursor';
import { insertOnConflictReturning } from '../on-conflict';
import { lockPostgresRows } from './lock';
import { runPgStatement } from './statement';

const quote = quoteWith('"');

const DATE_OID = 1082;

/**
 * Per-connection type parsers (never pg's global ones, so other pg users in the process are untouched):
 * `date` stays `YYYY-MM-DD` text instead of a local-time Date; int8 and numeric stay strings and the
 * hydrator converts them the way each field asks.
 */
const connectionTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    return pgTypes.getTypeParser(oid, format as 'text');
  },
};

type PgConnection = { connection?: { on(event: 'errorMessage', listener: (msg: { severity?: string }) => void): void } };

/**
 * Marks a pooled connection unusable as soon as the server sends a FATAL (or PANIC) message, such as
 * `pg_terminate_backend()` or a server shutdown. Knex only notices a dead connection when the socket
 * closes, which comes after the failing query has already handed the connection back to the pool, so the
 * query after it would fail on the same corpse. Flagging it here makes the pool discard it on release:
 * one query fails (as a `DatabaseError`) and the next one gets a fresh connection.
 */
export function discardOnFatal(conn: PgConnection & { __knex__disposed?: unknown }, done: (err: Error | null, conn: unknown) => void): void {
  conn.connection?.on('errorMessage', (msg) => {
    if (msg.severity === 'FATAL' || msg.severity === 'PANIC') conn.__knex__disposed ??= msg;
  });
  done(null, conn);
}

/** PostgreSQL through `pg`: jsonb, timestamptz, native uuid, transactional DDL. */
export const postgresDialect: Dialect = {
  name: 'postgres',
  client: 'pg',
  drivers: ['pg'],
  displayName: 'PostgreSQL',
  partialIndexes: true,
  quoteIdentifier: quote,
  maxBindings: 65535,
  supportsReturning: true,
  transactionalDdl: true,
  inlineForwardReferences: false,
  supportsSchemas: true,
  urlNamesFile: false,
  renameTableNeedsQualifiedNames: false,
  migrations: postgresMigrations,
  defaultSchema: postgresDefaultSchema,
  listSchemas: postgresSchemas,
  knexConfig(url) {
    return {
      client: KeelsonPgClient as unknown as typeof Knex.Client,
      connection: {
        ...serverConnection(url, 5432),
        database: url.database,
        types: connectionTypes,
        ...(url.connectTimeout !== undefined && { connectionTimeoutMillis: url.connectTimeout }),
        ...url.connectionOptions,
      } as Knex.PgConnectionConfig,
      searchPath: url.schema ? [url.schema] : undefined,
      pool: { min: 0, max: url.poolMax ?? 10, afterCreate: discardOnFatal },
    };
  },
  knexConfigFrom(config) {
    // keelson's client keeps `?` inside statements without bindings (see client.ts); Knex's plain one made it `$1`.
    const connection = config.connection;
    const typed = connection && typeof connection === 'object' && !('types' in connection) ? { ...connection, types: connectionTypes } : connection;
    return {
      ...config,
      client: KeelsonPgClient as unknown as typeof Knex.Client,
      connection: typed as Knex.Config['connection'],
      pool: withAfterCreate(config.pool, discardOnFatal as never),
    };
  },
  insertRows: insertRowsReturning(quote, 'default', numberedMarker),
  insertOnConflict: insertOnConflictReturning(quote, 'default', numberedMarker),
  addColumn(t, c) {
    if (isRawColumn(c)) return addRawColumn(t, c, postgresRawType(c));
    if (c.type === 'json') return t.jsonb(c.name);
    if (c.type === 'datetime') return t.timestamp(c.name, { useTz: c.timezone !== false, precision: c.precision });
    if (c.type === 'float') return t.double(c.name);
    // Knex pastes the choices into the CHECK, and then reads every `?` of the statement as a placeholder
    // (`'x?'` became `'x$1'`); `\?` is how it writes a literal one.
    if (c.type === 'enum')
      return t.enu(
        c.name,
        (c.choices ?? []).map((choice) => quotedBody(choice).replace(/\?/g, '\\?')),
      );
    return addPortableColumn(t, c);
  },
  columnTypeMatches: postgresColumnTypeMatches,
  defaultlessTypes: new Set<FieldType>([]),
  async listTables(knex, schema) {
    const result = await knex.raw('select table_name from information_schema.tables where table_schema = coalesce(?, current_schema())', [schema ?? null]);
    return new Set((result.rows as { table_name: string }[]).map((r) => r.table_name));
  },
  toDb: portableToDb,
  fromDb: portableFromDb,
  ignoreDuplicates: (insert, columns) => insert.onConflict(columns).ignore(),
  nullSafeEquals: (a, b) => `${a} is not distinct from ${b}`,
  orderNulls: (e, descending, nulls) => ({ sql: `${e} ${descending ? 'desc' : 'asc'} nulls ${nulls}`, repeats: 1 }),
  nullsSortFirst: false,
  // avg() of integers is numeric (a string in JavaScript): cast once per group; `* 1e0` would make every row numeric.
  floatAverage: (argument, distinct) => `avg(${distinct ? 'distinct ' : ''}${argument})::float8`,
  streamRows,
  lockRows: lockPostgresRows,
  locksOuterJoins: false,
  // One array parameter (the wire protocol counts parameters in 16 bits). An object with toPostgres keeps Knex
  // from spreading the array into one placeholder per value; pg then sends it as an array literal.
  inList(column, values) {
    return { sql: `${column} = any(?)`, bindings: [{ toPostgres: () => values }] };
  },
  match(column, mode, value, insensitive) {
    return { sql: `${column}::text ${insensitive ? 'ilike' : 'like'} ? escape '!'`, bindings: [likePattern(mode, value)] };
  },
  async createSchema(knex, name, ifNotExists) {
    await (ifNotExists ? knex.schema.createSchemaIfNotExists(name) : knex.schema.createSchema(name));
  },
  async dropSchema(knex, name, { cascade, ifExists }) {
    await (ifExists ? knex.schema.dropSchemaIfExists(name, cascade) : knex.schema.dropSchema(name, cascade));
  },
  async introspect(knex, schema, only) {
    const tables = await introspectPostgres(knex, schema, only);
    await addPostgresConstraints(knex, schema, tables);
    return tables;
  },
  errorCode: driverErrorCode,
  // Class 08 is "connection exception"; 57P01–57P03: the server is shutting down, crashed or not accepting yet.
  connectionFailure: connectionFailureWith(
    (code) => code.startsWith('08') || /^57P0[1-3]$/.test(code),
    /Connection terminated|connection error and is not queryable/i,
  ),
  integrityViolation,
  runStatement: runPgStatement,
  rawRows: (result) => (result as { rows?: Record<string, unknown>[] } | undefined)?.rows ?? [],
  unfit: postgresUnfitSql,
  json: postgresJsonSql,
};

import { createHash } from 'node:crypto';
import { DatabaseError } from '../../errors';
import type { FieldType } from '../../metadata/types';
import type { Dialect } from '../dialect';
import { mysqlJsonSql } from './json';
import { mysqlMigrations } from './migrations';
import { mysqlDefaultSchema, mysqlSchemas } from './schemas';
import { mysqlUnfitSql } from './unfit';
import {
  addPortableColumn,
  connectionFailureWith,
  driverErrorCode,
  insertValuesSql,
  serverConnection,
  likePattern,
  portableFromDb,
  portableToDb,
  quoteWith,
} from '../common';
import { introspectMysql } from './introspect';
import { addMysqlConstraints } from './constraints';
import { mysqlColumnTypeMatches, mysqlTypeName } from './column-type';
import { addRawColumn, arraysNotSupported, isRawColumn } from '../raw-column';
import { integrityViolation } from './integrity';
import { mysqlInsertOnConflict } from './upsert';
import { lockMysqlRows } from './lock';
import { runMysqlStatement } from './statement';

const quote = quoteWith('`');

/** How long `serializeOn` waits for a racing upsert of the same key, in seconds (like innodb_lock_wait_timeout). */
const LOCK_WAIT_SECONDS = 50;

/** MySQL and MariaDB through `mysql2`: UTC date handling, big numbers as strings, unsigned keys. */
export const mysqlDialect: Dialect = {
  name: 'mysql',
  client: 'mysql2',
  drivers: ['mysql2'],
  displayName: 'MySQL/MariaDB',
  partialIndexes: false,
  quoteIdentifier: quote,
  maxBindings: 65535,
  supportsReturning: false,
  transactionalDdl: false,
  inlineForwardReferences: false,
  supportsSchemas: true,
  urlNamesFile: false,
  // Knex's MySQL RENAME TABLE leaves the schema out.
  renameTableNeedsQualifiedNames: true,
  migrations: mysqlMigrations,
  defaultSchema: mysqlDefaultSchema,
  listSchemas: mysqlSchemas,
  knexConfig(url) {
    return {
      client: 'mysql2',
      connection: {
        ...serverConnection(url, 3306),
        database: url.schema ?? url.database,
        timezone: 'Z',
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: ['DATE'],
        charset: 'utf8mb4',
        ...(url.connectTimeout !== undefined && { connectTimeout: url.connectTimeout }),
        ...url.connectionOptions,
      },
      pool: { min: 0, max: url.poolMax ?? 10 },
    };
  },
  // The user's mysql2 config is used as given.
  knexConfigFrom: (config) => config,
  // No RETURNING: MySQL reports the first generated key of a multi-row INSERT and the rest follow it
  // (consecutive under the default auto-increment lock modes).
  async insertRows(run, table, columns, rows) {
    const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'default');
    const first = Number(await run(sql, bindings, 'insertId'));
    return rows.map((_, i) => first + i);
  },
  insertOnConflict: mysqlInsertOnConflict,
  addColumn(t, c) {
    if (c.type === 'array') throw arraysNotSupported('MySQL/MariaDB', c);
    if (isRawColumn(c)) return addRawColumn(t, c, c.dbType ?? mysqlTypeName(c));
    if (c.type === 'datetime') return t.datetime(c.name, { precision: c.precision ?? 3 });
    if (c.type === 'time') return t.time(c.name);
    const column = addPortableColumn(t, c, true);
    // A binary collation makes `=`, IN and unique constraints case-sensitive, as on PostgreSQL and SQLite;
    // the i-lookups compare lower() on every dialect.
    if (c.type === 'string' || c.type === 'text') column.collate('utf8mb4_bin');
    // knex makes MySQL auto-increment keys unsigned; a key that points at one must match exactly.
    if (c.referencesAutoincrement && (c.type === 'integer' || c.type === 'bigint')) column.unsigned();
    return column;
  },
  columnTypeMatches: mysqlColumnTypeMatches,
  // MySQL refuses DEFAULT on TEXT/JSON/BLOB columns; Knex leaves it out of the DDL.
  defaultlessTypes: new Set<FieldType>(['text', 'json', 'binary']),
  async listTables(knex, schema) {
    const [rows] = await knex.raw('select table_name as name from information_schema.tables where table_schema = coalesce(?, database())', [schema ?? null]);
    return new Set((rows as { name: string }[]).map((r) => r.name));
  },
  toDb(type, value) {
    if (value instanceof Date && type === 'time') return value.toISOString().slice(11, 23);
    return portableToDb(type, value);
  },
  fromDb: portableFromDb,
  // INSERT IGNORE (Knex's ignore() here) would also swallow a foreign-key violation: a duplicate updates a
  // key column to itself instead, and every other error still fails the insert.
  ignoreDuplicates: (insert, columns) => insert.onConflict(columns).merge([columns[0]]),
  nullSafeEquals: (a, b) => `${a} <=> ${b}`,
  // No NULLS FIRST/LAST: order by `e is null` first (1 for NULL), then by the value.
  orderNulls: (e, descending, nulls) => ({ sql: `(${e}) is null ${nulls === 'first' ? 'desc' : 'asc'}, ${e} ${descending ? 'desc' : 'asc'}`, repeats: 2 }),
  nullsSortFirst: true,
  // avg() of integers is a decimal rounded to 4 places, so each value becomes a double first: `1e0` is a double
  // literal here (`1.0` would be a decimal).
  floatAverage: (argument, distinct) => `avg(${distinct ? 'distinct ' : ''}(${argument}) * 1e0)`,
  updateReadsAssignedValues: true,
  lockRows: lockMysqlRows,
  locksOuterJoins: true,
  async serializeOn(trx, key, fn) {
    // Lock names are at most 64 characters: a digest of the key fits any key.
    const name = `keelson:${createHash('sha1').update(key).digest('hex')}`;
    const [rows] = await trx.raw('select get_lock(?, ?) as got', [name, LOCK_WAIT_SECONDS]);
    if (Number((rows as { got: unknown }[])[0]?.got) !== 1) {
      throw new DatabaseError(`Timed out after ${LOCK_WAIT_SECONDS} s waiting for lock ${name} (${key}).`, undefined, 'LOCK_WAIT_TIMEOUT');
    }
    try {
      return await fn();
    } finally {
      await trx.raw('select release_lock(?)', [name]);
    }
  },
  // Columns default to a case-insensitive collation: compare binary for case-sensitive matches.
  match(column, mode, value, insensitive) {
    const pattern = likePattern(mode, value);
    return insensitive
      ? { sql: `lower(${column}) like lower(?) escape '!'`, bindings: [pattern] }
      : { sql: `${column} like binary ? escape '!'`, bindings: [pattern] };
  },
  // On MySQL a schema is a database; a drop always takes its tables with it.
  async createSchema(knex, name, ifNotExists) {
    await knex.raw(`create database ${ifNotExists ? 'if not exists ' : ''}??`, [name]);
  },
  async dropSchema(knex, name, { ifExists }) {
    await knex.raw(`drop database ${ifExists ? 'if exists ' : ''}??`, [name]);
  },
  async introspect(knex, schema, only) {
    const tables = await introspectMysql(knex, schema, only);
    await addMysqlConstraints(knex, schema, tables);
    return tables;
  },
  errorCode: driverErrorCode,
  connectionFailure: connectionFailureWith(
    (code) => ['PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_SERVER_GONE_ERROR', 'ER_SERVER_LOST'].includes(code),
    /connection is in closed state|Can't add new command when connection is in closed state/i,
  ),
  integrityViolation,
  // mysql2 resolves to [rows, fields]; a write's "rows" is a ResultSetHeader, not a list.
  runStatement: runMysqlStatement,
  rawRows: (result) => {
    const rows = Array.isArray(result) ? result[0] : undefined;
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  },
  unfit: mysqlUnfitSql,
  json: mysqlJsonSql,
};

import type { FieldType } from '../../metadata/types';
import type { Knex } from 'knex';
import * as path from 'node:path';
import type { Dialect } from '../dialect';
import { NotSupportedError } from '../../errors';
import { addPortableColumn, driverErrorCode, insertValuesSql, likePattern, portableFromDb, portableToDb, quoteWith } from '../common';
import { introspectSqlite } from './introspect';
import { sqliteColumnTypeMatches } from './column-type';

const quote = quoteWith('"');

/** SQLite through the `sqlite3` driver: one connection, foreign keys switched on, dates stored as ISO text. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  client: 'sqlite3',
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32; stay well below for statement size.
  maxBindings: 32766,
  supportsReturning: true,
  transactionalDdl: true,
  inlineForwardReferences: true,
  supportsSchemas: false,
  knexConfig(url) {
    const filename = url.database === ':memory:' ? ':memory:' : path.resolve(url.database);
    return {
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // One connection: an in-memory database exists per connection, and SQLite serializes writers anyway.
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
          conn.run('PRAGMA foreign_keys = ON', (err) => done(err, conn));
        },
      },
    };
  },
  addColumn: (t, c) => addPortableColumn(t, c),
  columnTypeMatches: sqliteColumnTypeMatches,
  defaultlessTypes: new Set<FieldType>([]),
  // SQLite has no DEFAULT inside VALUES; NULL makes an INTEGER PRIMARY KEY generate its value.
  async insertRows(runner, table, columns, rows, keyColumn) {
    const { sql, bindings } = insertValuesSql(quote, table, columns, rows, 'null');
    const result: Record<string, unknown>[] = await runner.raw(`${sql} returning ${quote(keyColumn)}`, bindings as never[]);
    return result.map((r) => r[keyColumn]);
  },
  async listTables(knex) {
    const rows: { name: string }[] = await knex.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'");
    return new Set(rows.map((r) => r.name));
  },
  toDb(type, value) {
    if (value instanceof Date && (type === 'datetime' || type === 'time')) return value.toISOString();
    if (typeof value === 'boolean') return value ? 1 : 0;
    return portableToDb(type, value);
  },
  fromDb: portableFromDb,
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
  introspect: introspectSqlite,
  errorCode: driverErrorCode,
};

import type { Knex } from 'knex';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType, JsKind } from '../metadata/types';
import type { ParsedUrl } from '../database/url';
import type { IntrospectedColumn, IntrospectedTable } from './introspection';

/** A table, optionally in a schema. */
export interface TableRef {
  schema?: string;
  name: string;
}

/** Where a pattern match anchors the user's text. */
export type MatchMode = 'exact' | 'contains' | 'startswith' | 'endswith';

/** Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB, behind one interface. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /** Knex client name. */
  readonly client: string;
  /** Most bound parameters one statement may carry. */
  readonly maxBindings: number;
  /** Whether `INSERT … RETURNING` is available. */
  readonly supportsReturning: boolean;
  /**
   * Runs one multi-row `INSERT … VALUES` of pre-converted rows (`undefined` = the column's default) and
   * resolves to the generated keys in row order.
   */
  insertRows(runner: Knex | Knex.Transaction, table: TableRef, columns: string[], rows: unknown[][], keyColumn: string): Promise<unknown[]>;
  /** Whether DDL can run inside a transaction. */
  readonly transactionalDdl: boolean;
  /** Whether a foreign key may reference a table created later in the same batch. */
  readonly inlineForwardReferences: boolean;
  /** Whether the dialect has namespaces (schemas) inside a database. */
  readonly supportsSchemas: boolean;
  /** Knex configuration for a parsed URL. */
  knexConfig(url: ParsedUrl): Knex.Config;
  /** Adds one column of the right native type to a table under construction. */
  addColumn(table: Knex.CreateTableBuilder, column: ColumnDefinition): Knex.ColumnBuilder;
  /**
   * Whether a live column (as `introspect` reports it) already has the type keelson creates for `column` (sizes
   * included; nullability, defaults and keys are compared elsewhere). Types the database cannot tell apart
   * match (each dialect's file lists them).
   */
  columnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean;
  /** Column types whose DDL default Knex never emits here (so the schema diff does not compare it). */
  readonly defaultlessTypes: ReadonlySet<FieldType>;
  /** Names of the tables in `schema` (the connection's default when omitted). */
  listTables(knex: Knex | Knex.Transaction, schema?: string): Promise<Set<string>>;
  /** Converts a JS value into what the driver should bind for a column of `type`. */
  toDb(type: FieldType, value: unknown): unknown;
  /** Converts a driver value into the JS value a property of `type` / `jsKind` holds. */
  fromDb(type: FieldType, jsKind: JsKind, value: unknown): unknown;
  /**
   * SQL for a pattern match of `column` (a `??` placeholder bound first) against a user string, which is escaped here
   * so `%`, `_` and the dialect's other wildcards match literally.
   */
  match(column: string, mode: MatchMode, value: string, insensitive: boolean): { sql: string; bindings: unknown[] };
  /** Creates a namespace (a schema; a database on MySQL). SQLite throws `NotSupportedError`. */
  createSchema(knex: Knex | Knex.Transaction, name: string, ifNotExists: boolean): Promise<void>;
  /** Drops a namespace. SQLite throws `NotSupportedError`. */
  dropSchema(knex: Knex | Knex.Transaction, name: string, options: { cascade: boolean; ifExists: boolean }): Promise<void>;
  /**
   * Reads the live tables of `schema` (the connection's default when omitted): columns, keys, foreign
   * keys, unique constraints, indexes. `only` limits it to those table names.
   */
  introspect(knex: Knex | Knex.Transaction, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]>;
  /** Extracts a driver error's code (SQLSTATE, errno name, SQLITE_*). */
  errorCode(error: unknown): string | undefined;
}

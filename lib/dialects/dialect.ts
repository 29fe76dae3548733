import type { Knex } from 'knex';
import type { Maybe } from '../maybe';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType, JsKind } from '../metadata/types';
import type { ParsedUrl } from '../database/url';
import type { IntrospectedColumn, IntrospectedTable } from './introspection';
import type { UnfitSql } from './unfit-sql';
import type { IntegrityViolation } from './integrity';
import type { JsonSql } from './json-sql';
import type { MigrationHooks } from './migration-hooks';

/** A table, optionally in a schema. */
export interface TableRef {
  schema?: string;
  name: string;
}

/** Where a pattern match anchors the user's text. */
export type MatchMode = 'exact' | 'contains' | 'startswith' | 'endswith';

/**
 * What an INSERT does with a row that duplicates a unique key of an existing row: skip it (`ignore`), or update
 * the `update` columns of the existing row from it (`target`: the unique key's columns, where the database can name them).
 */
export type ConflictAction = { ignore: true } | { ignore?: false; target: readonly string[]; update: readonly string[] };

/** How `lockRows` locks: skip or fail on rows locked elsewhere instead of waiting; `of` limits the lock to those table aliases. */
export interface RowLockOptions {
  skipLocked?: boolean;
  nowait?: boolean;
  of?: readonly string[];
}

/**
 * What `Dialect.runStatement` resolves to: the result rows, the same as arrays of values in column order where
 * the driver reads them so (`arrays`: PostgreSQL, better-sqlite3 and MySQL; objects on sqlite3), the number of
 * rows written, or (MySQL) the first generated key. `first` is `rows` for a statement known to return one row (an
 * `INSERT … RETURNING` of one row): better-sqlite3 then reads that row alone, which in WAL mode takes about half the
 * time of reading to the end. `firstArray` is `first` read as `arrays` (a get by primary key). `stepped` is `rows`
 * that a driver may hand over while the database still steps through them (see `Dialect.stepsRows`), at the price
 * that a read may come back short of its last rows.
 */
export type StatementResult = 'rows' | 'arrays' | 'first' | 'firstArray' | 'stepped' | 'count' | 'insertId';

/** Whether a statement run for `want` resolves to rows (else to a number). */
export const wantsRows = (want: StatementResult): boolean => want !== 'count' && want !== 'insertId';

/** Whether a statement run for `want` reads its rows as arrays of values, where the driver can. */
export const wantsArrays = (want: StatementResult): boolean => want === 'arrays' || want === 'firstArray';

/** Whether a statement run for `want` returns at most one row, which the driver may read alone. */
export const wantsFirst = (want: StatementResult): boolean => want === 'first' || want === 'firstArray';

/** Rows as `runStatement` resolves them: objects keyed by column, or (`want: 'arrays'`) arrays of values. */
export type StatementRows = Record<string, unknown>[] | unknown[][];

/** How `Dialect.runStatement` may run a statement. */
export interface StatementOptions {
  /** Prepared statements to keep per connection (PostgreSQL names those it runs again); 0 prepares none. */
  prepare: number;
  /** Whether the connection is a transaction's (a failed statement cannot be retried there). */
  inTransaction: boolean;
  /** Called when the server says its connections are shared by a pooler that loses prepared statements. */
  onPoolerDetected(): void;
}

/** Runs one statement written in the dialect's own placeholders in the ambient transaction or on the pool (see `Database.runStatement`). */
export type RunSql = (sql: string, bindings: readonly unknown[], want: StatementResult) => Maybe<StatementRows | number>;

/** Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB, behind one interface. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /** Knex client name of the default driver. */
  readonly client: string;
  /** Knex client names of the drivers a URL (`sqlite+better-sqlite3://…`) or the `driver` option may pick; the first is the default. */
  readonly drivers: readonly string[];
  /** Most bound parameters one statement may carry. */
  readonly maxBindings: number;
  /** Whether `INSERT … RETURNING` is available. */
  readonly supportsReturning: boolean;
  /**
   * Runs one multi-row `INSERT … VALUES` of pre-converted rows (`undefined` = the column's default) and
   * resolves to the generated keys in row order (at once where `run` answered at once). The caller hands the
   * same `columns` array for the same column list of a model, so a dialect may keep SQL by it.
   */
  insertRows(run: RunSql, table: TableRef, columns: string[], rows: unknown[][], keyColumn: string): Maybe<unknown[]>;
  /**
   * `insertRows` resolving conflicts on unique keys as `conflict` says; resolves to one key per row, in row order, where the
   * database reports them (RETURNING after an upsert: inserted and updated rows alike), else undefined.
   */
  insertOnConflict(
    run: RunSql,
    /** Runs `fn` inside a transaction: the ambient one when open, else a new one (for upserts of several statements). */
    inTransaction: <T>(fn: () => Promise<T>) => Promise<T>,
    table: TableRef,
    columns: string[],
    rows: unknown[][],
    keyColumn: string,
    conflict: ConflictAction,
  ): Promise<unknown[] | undefined>;
  /** Whether DDL can run inside a transaction. */
  readonly transactionalDdl: boolean;
  /** Whether a foreign key may reference a table created later in the same batch. */
  readonly inlineForwardReferences: boolean;
  /** Whether the dialect has namespaces (schemas) inside a database. */
  readonly supportsSchemas: boolean;
  /** Whether a URL names a file (`sqlite:///abs/path.db`) rather than a server host and a database. */
  readonly urlNamesFile: boolean;
  /** What follows the scheme's colon in a URL that opens an in-memory database (`sqlite::memory:`), when the dialect has one. */
  readonly memoryUrls?: readonly string[];
  /** Knex configuration for a parsed URL. */
  knexConfig(url: ParsedUrl): Knex.Config;
  /**
   * A user's Knex config object (`new Database({ client: 'pg', connection })`) made like a URL's: keelson's
   * client for the dialect and the same connection hooks, run before the user's own `afterCreate`.
   */
  knexConfigFrom(config: Knex.Config): Knex.Config;
  /** How messages name the database: `SQLite`, `PostgreSQL`, `MySQL/MariaDB`. */
  readonly displayName: string;
  /** Whether an index may cover only the rows a WHERE holds for (partial unique constraints). */
  readonly partialIndexes: boolean;
  /** `name` quoted as an identifier (for names Knex writes into DDL as given, such as a CHECK constraint's). */
  quoteIdentifier(name: string): string;
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
  /**
   * `column IN (values)` with every value in one bound parameter (`column` is a `??` placeholder bound first),
   * for lists longer than the driver's limit on parameters per statement; absent where the driver has none.
   */
  inList?(column: string, values: readonly unknown[]): { sql: string; bindings: unknown[] };
  /**
   * Runs `fn` holding a lock named after `key` on the transaction's connection, where racing upserts of one
   * key would otherwise deadlock (InnoDB gives every failed duplicate insert a shared lock that a following
   * update must upgrade); absent where they do not.
   */
  serializeOn?<R>(trx: Knex.Transaction, key: string, fn: () => Promise<R>): Promise<R>;
  /** `a` equals `b`, NULL equal to NULL (`IS NOT DISTINCT FROM`, `<=>`, `IS`): both SQL fragments are pasted as given. */
  nullSafeEquals(a: string, b: string): string;
  /**
   * An ORDER BY term for `expression` (SQL pasted as given) with NULLs placed first or last, emulated where the
   * database has no `NULLS FIRST/LAST`; `repeats` says how many times the expression (and so its bindings) appears.
   */
  orderNulls(expression: string, descending: boolean, nulls: 'first' | 'last'): { sql: string; repeats: number };
  /** Whether NULL sorts before every value in an ascending ORDER BY (SQLite, MySQL) or after it (PostgreSQL): keyset paging matches it. */
  readonly nullsSortFirst: boolean;
  /**
   * `avg([distinct] <argument>)` as a double-precision float: an average of integers must be neither a rounded
   * decimal nor slow numeric maths, and costs no per-row conversion where it need not.
   */
  floatAverage(argument: string, distinct: boolean): string;
  /**
   * Whether an UPDATE's SET expressions read the values assigned before them in the same statement (MySQL's
   * `SET a = a + 1, b = a` reads the new `a`) rather than the row as it was (SQL standard).
   */
  readonly updateReadsAssignedValues?: boolean;
  /**
   * Whether the driver a Knex config names reads `stepped` rows as the database steps them: `sqlite3`'s
   * Statement#each hands rows over while its worker thread still reads, so reading and converting them overlap
   * (a 100,000-row stream in 1,000-row keyset chunks: about a third faster than `all()` per chunk). Its
   * completion can race its last rows (node-sqlite3's AsyncEach looks at `completed` after draining the rows, while
   * the worker may add one more and set it), so a short stepped read is not taken for the end: `iterate()` reads
   * again after its last row without stepping.
   */
  stepsRows?(config: Knex.Config): boolean;
  /**
   * Reads a SELECT through a server-side cursor, `chunkSize` rows at a time, on a pool connection of its own that
   * is released when the iteration ends, early or not (`qs.iterate()`); absent where keyset chunks are read instead.
   */
  streamRows?(knex: Knex, query: Knex.Sql, chunkSize: number, rowMode?: 'object'): AsyncGenerator<Record<string, unknown>[]>;
  /** The same, each row an array of its values in the SELECT's column order (no object built per row). */
  streamRows?(knex: Knex, query: Knex.Sql, chunkSize: number, rowMode: 'array'): AsyncGenerator<unknown[][]>;
  /**
   * Adds a row lock to a SELECT (`FOR SHARE` / `FOR UPDATE`, with `SKIP LOCKED` / `NOWAIT` / `OF`); SQLite, which locks the whole
   * database, adds nothing. Throws `NotSupportedError` for an option the database lacks.
   */
  lockRows(select: Knex.QueryBuilder, mode: 'share' | 'update', options?: RowLockOptions): Knex.QueryBuilder;
  /** Whether a row lock may cover rows of an outer join's nullable side (PostgreSQL refuses: `selectForUpdate()` then joins NOT NULL relations inner). */
  readonly locksOuterJoins: boolean;
  /** An insert that skips rows whose `columns` duplicate an existing row's, and still fails on any other error. */
  ignoreDuplicates(insert: Knex.QueryBuilder, columns: string[]): Knex.QueryBuilder;
  /** Creates a namespace (a schema; a database on MySQL). SQLite throws `NotSupportedError`. */
  createSchema(knex: Knex | Knex.Transaction, name: string, ifNotExists: boolean): Promise<void>;
  /** Drops a namespace. SQLite throws `NotSupportedError`. */
  dropSchema(knex: Knex | Knex.Transaction, name: string, options: { cascade: boolean; ifExists: boolean }): Promise<void>;
  /** The namespace unqualified names resolve to (`current_schema()`, `database()`). SQLite throws `NotSupportedError`. */
  defaultSchema(knex: Knex | Knex.Transaction): Promise<string>;
  /** Names of the namespaces, the server's own left out, sorted. SQLite throws `NotSupportedError`. */
  listSchemas(knex: Knex | Knex.Transaction): Promise<string[]>;
  /** Whether Knex's `renameTable` drops the schema of a qualified table, so both names must be written qualified. */
  readonly renameTableNeedsQualifiedNames: boolean;
  /** Where planning and writing migrations differs (table rebuilds, foreign keys around indexes, enum changes). */
  readonly migrations: MigrationHooks;
  /**
   * Reads the live tables of `schema` (the connection's default when omitted): columns, keys, foreign
   * keys, unique constraints, indexes, CHECK constraints and partial unique indexes. `only` limits it to those
   * table names.
   */
  introspect(knex: Knex | Knex.Transaction, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]>;
  /** Extracts a driver error's code (SQLSTATE, errno name, SQLITE_*). */
  errorCode(error: unknown): string | undefined;
  /** Whether an error says the connection to the server failed or broke (a replica read is retried elsewhere then). */
  connectionFailure(error: unknown): boolean;
  /** What a driver error says about a violated unique or foreign-key constraint; undefined for any other error. */
  integrityViolation(error: unknown): IntegrityViolation | undefined;
  /**
   * Runs one compiled statement (with the dialect's own placeholders) on a driver connection, without Knex: the
   * rows of a SELECT or of a write with RETURNING (`want: 'rows'`, or `'arrays'`), or the number of rows a write changed.
   */
  runStatement(
    connection: unknown,
    sql: string,
    bindings: readonly unknown[],
    want: StatementResult,
    options: StatementOptions,
  ): Promise<StatementRows | number>;
  /**
   * `runStatement` done now, on a connection whose driver answers synchronously (better-sqlite3): the result, or
   * undefined (nothing run) when the connection answers asynchronously. Left out by dialects with no such driver.
   */
  runStatementNow?(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult): StatementRows | number | undefined;
  /** The rows of a `knex.raw()` result (each driver shapes it differently); empty for a statement that returns none. */
  rawRows(result: unknown): Record<string, unknown>[];
  /** The functions a migration's check for values a narrowing type change would alter is written with. */
  readonly unfit: UnfitSql;
  /** How JSON lookups (`settings__theme`, `has_key`, `contains`) read inside a JSON column. */
  readonly json: JsonSql;
}

import type { Knex } from 'knex';
import type { Database } from '../database/database';
import { NotSupportedError } from '../errors';
import { addForeignKeys, createTable, dependencyOrder, dropForeignKeys, dropTable } from './ddl';
import type { TableDefinition } from './table-definition';

/** The tables of one database alias, and the DDL that creates or drops them. */
export class MetaData {
  /** Table definitions keyed by table name. */
  readonly tables = new Map<string, TableDefinition>();

  constructor(
    /** The alias (`'default'` or an extra's name). */
    readonly alias: string,
    readonly database: Database,
    /** Schema every table lives in, when the registry sets one. */
    readonly schema?: string,
  ) {}

  /** Tables in foreign-key dependency order, plus the constraints that close cycles. */
  sorted(): ReturnType<typeof dependencyOrder> {
    return dependencyOrder([...this.tables.values()]);
  }

  /** The Knex schema builders that create every table, in order (run them with `await`). */
  createBuilders(knex: Knex | Knex.Transaction, existing: ReadonlySet<string> = new Set(), database: Database = this.database): Knex.SchemaBuilder[] {
    const { order, cyclic } = this.sorted();
    const dialect = database.driver;
    const deferred = dialect.inlineForwardReferences ? new Set<never>() : cyclic;
    const builders: Knex.SchemaBuilder[] = [];
    for (const table of order) if (!existing.has(table.name)) builders.push(createTable(knex.schema, table, dialect, deferred));
    for (const table of order) {
      const fks = table.foreignKeys.filter((fk) => deferred.has(fk));
      if (fks.length && !existing.has(table.name)) builders.push(addForeignKeys(knex.schema, table, fks));
    }
    return builders;
  }

  /** The SQL `createAll` would run on an empty database, one string per statement. */
  toSQL(knex: Knex): string[] {
    return this.createBuilders(knex).flatMap((b) => b.toSQL().map((s) => s.sql));
  }

  /**
   * Creates the schema (when set) and every missing table, idempotently; one transaction where DDL allows.
   * `on` creates the same tables on another database (for querysets that run there with `using()`).
   */
  async createAll(options: { on?: Database } = {}): Promise<void> {
    const db = options.on ?? this.database;
    await this.inDdlTransaction(db, async (knex) => {
      if (this.schema) await db.driver.createSchema(knex, this.schema, true);
      const existing = await db.driver.listTables(knex, this.schema);
      for (const builder of this.createBuilders(knex, existing, db)) await builder;
    });
  }

  /** Drops every table that exists, dependents first; with a schema set, drops the schema with cascade. */
  async dropAll(options: { on?: Database } = {}): Promise<void> {
    const db = options.on ?? this.database;
    await this.inDdlTransaction(db, async (knex) => {
      const existing = await db.driver.listTables(knex, this.schema);
      const { order, cyclic } = this.sorted();
      if (!db.driver.inlineForwardReferences) {
        for (const table of order) {
          const fks = table.foreignKeys.filter((fk) => cyclic.has(fk));
          if (fks.length && existing.has(table.name)) await dropForeignKeys(knex.schema, table, fks);
        }
      }
      for (const table of [...order].reverse()) if (existing.has(table.name)) await dropTable(knex.schema, table);
      // The schema goes only when nothing else lives in it (reflected tables are not ours to drop).
      if (this.schema && (await db.driver.listTables(knex, this.schema)).size === 0) {
        await db.driver.dropSchema(knex, this.schema, { cascade: false, ifExists: true });
      }
    });
  }

  private async inDdlTransaction(db: Database, fn: (knex: Knex | Knex.Transaction) => Promise<void>): Promise<void> {
    try {
      if (db.driver.transactionalDdl) await db.transaction(fn);
      else await fn(await db.runner());
    } catch (error) {
      if (error instanceof NotSupportedError) throw error;
      throw db.wrapError(error, `DDL on "${this.alias}" (${db.url}) failed`);
    }
  }
}

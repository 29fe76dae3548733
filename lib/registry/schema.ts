import type { Knex } from 'knex';
import type { Database } from '../database/database';
import { KeelsonError, NotSupportedError, QueryError } from '../errors';
import { MetaData } from '../metadata/metadata';
import { tableDefinition } from '../metadata/table-definition';
import type { Registry } from './registry';
import { schemaNameProblem } from '../database/schema-name';

/** Options of `Schema.createSchema`. */
export interface CreateSchemaOptions {
  /** Succeed when the schema already exists (default `false`: that is an error). */
  ifNotExists?: boolean;
  /** Also create every table of the alias's models inside the new schema (default `false`). */
  initModels?: boolean;
  /** Aliases whose databases get the schema (default `['default']`). */
  databases?: string[];
}

/** Options of `Schema.dropSchema`. */
export interface DropSchemaOptions {
  /** Drop the objects inside it too (default `false`). MySQL always drops a database with its tables. */
  cascade?: boolean;
  /** Succeed when the schema does not exist (default `false`: that is an error). */
  ifExists?: boolean;
  /** Aliases whose databases lose the schema (default `['default']`). */
  databases?: string[];
}

/** Options of `getDefaultSchema` and `getSchemas`. */
export interface SchemaQueryOptions {
  /** The alias to ask (default `'default'`). */
  database?: string;
}

/**
 * Schema helper of a registry (`registry.schema`): creates, drops and lists schemas. On PostgreSQL a schema
 * is a namespace inside the database; on MySQL/MariaDB a schema is a database. SQLite has no schemas, so
 * every method throws `NotSupportedError` there.
 */
export class Schema {
  constructor(readonly registry: Registry) {}

  /**
   * Creates schema `name` on each named alias's database; with `initModels`, also creates every table of
   * that alias's models inside it (in dependency order). On PostgreSQL the schema and its tables are
   * created in one transaction.
   */
  async createSchema(name: string, options: CreateSchemaOptions = {}): Promise<void> {
    const { ifNotExists = false, initModels = false, databases = ['default'] } = options;
    checkName(name);
    for (const alias of databases) {
      const db = this.databaseWithSchemas(alias, `create schema "${name}"`);
      const context = `Could not create schema "${name}" on database "${alias}" (${db.url})`;
      const create = async () => {
        await this.run(db, context, (knex) => db.driver.createSchema(knex, name, ifNotExists));
        if (!initModels) return;
        // A tenant's foreign keys to shared models name the default schema outright (the DDL runs in the tenant's).
        const shared = this.registry.schemaFor(alias) ?? (await this.run(db, context, (knex) => db.driver.defaultSchema(knex)));
        await this.schemaMetaData(alias, db, name, shared).createAll();
      };
      if (!initModels) await create();
      else if (db.driver.transactionalDdl) await this.run(db, context, () => db.transaction(create));
      else {
        try {
          await create();
        } catch (error) {
          // No transactional DDL: undo a schema this call created, so a retry starts clean.
          if (!ifNotExists) await this.run(db, context, (knex) => db.driver.dropSchema(knex, name, { cascade: true, ifExists: true })).catch(() => undefined);
          throw error;
        }
      }
    }
  }

  /** Drops schema `name` from each named alias's database. */
  async dropSchema(name: string, options: DropSchemaOptions = {}): Promise<void> {
    const { cascade = false, ifExists = false, databases = ['default'] } = options;
    checkName(name);
    for (const alias of databases) {
      const db = this.databaseWithSchemas(alias, `drop schema "${name}"`);
      await this.run(db, `Could not drop schema "${name}" on database "${alias}" (${db.url})`, (knex) =>
        db.driver.dropSchema(knex, name, { cascade, ifExists }),
      );
    }
  }

  /** The schema unqualified names resolve to: `current_schema()` on PostgreSQL, `database()` on MySQL. */
  async getDefaultSchema(options: SchemaQueryOptions = {}): Promise<string> {
    const alias = options.database ?? 'default';
    const db = this.databaseWithSchemas(alias, 'read the default schema');
    return this.run(db, `Could not read the default schema of database "${alias}" (${db.url})`, (knex) => db.driver.defaultSchema(knex));
  }

  /** Names of the schemas on the database, system schemas left out, sorted. */
  async getSchemas(options: SchemaQueryOptions = {}): Promise<string[]> {
    const alias = options.database ?? 'default';
    const db = this.databaseWithSchemas(alias, 'list schemas');
    return this.run(db, `Could not list the schemas of database "${alias}" (${db.url})`, (knex) => db.driver.listSchemas(knex));
  }

  /** A `MetaData` of the alias's tables, every one (and every foreign key) placed in `schema`. */
  private schemaMetaData(alias: string, db: Database, schema: string, sharedSchema: string): MetaData {
    const metadata = new MetaData(alias, db, schema);
    const source = this.registry.metadataByName.get(alias)!;
    // Shared models stay in the default schema: a tenant's tables point at them there.
    for (const table of source.tables.values()) {
      if (!table.model.shared) metadata.tables.set(table.name, tableDefinition(table.model, schema, sharedSchema));
    }
    return metadata;
  }

  /** The database of an alias, or `NotSupportedError` when its dialect has no schemas. */
  private databaseWithSchemas(alias: string, action: string): Database {
    const db = this.registry.databaseFor(alias);
    if (!db.driver.supportsSchemas) {
      throw new NotSupportedError(
        `Cannot ${action} on database "${alias}" (${db.url}): ${db.driver.displayName} has no schemas. ` +
          'Use a separate database file per tenant, or PostgreSQL / MySQL for schemas.',
      );
    }
    return db;
  }

  /** Runs `fn` on the database (joining an open transaction), wrapping driver errors with `context`. */
  private async run<T>(db: Database, context: string, fn: (knex: Knex | Knex.Transaction) => Promise<T>): Promise<T> {
    try {
      return await fn(await db.runner());
    } catch (error) {
      if (error instanceof KeelsonError) throw error;
      throw db.wrapError(error, context);
    }
  }
}

/** Throws `QueryError` unless `name` follows the schema-name rule (the one `usingSchema()` applies too). */
function checkName(name: unknown): asserts name is string {
  const problem = schemaNameProblem(name);
  if (problem) throw new QueryError(`Invalid schema name: ${problem}.`);
}

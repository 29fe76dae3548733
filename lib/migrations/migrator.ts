import type { Knex } from 'knex';
import type { Database } from '../database/database';
import { ConfigurationError, KeelsonError } from '../errors';
import type { Registry } from '../registry/registry';
import { aliasDirectory, DEFAULT_LOAD_EXTENSIONS, mergeMigrationConfig, migrationTable } from './config';
import type { MigrationConfig } from './config';
import { MigrationError } from './migration-error';
import { ensureLoadable, errorMessage, importMigration, isDirectory, migrationFiles } from './migration-files';
import type { MigrationFile } from './migration-files';
import { appliedRow, resolveTarget } from './migration-state';
import type { AppliedRow, MigrationState } from './migration-state';

export { MigrationError } from './migration-error';
export type { MigrationFile } from './migration-files';
export type { MigrationState } from './migration-state';

/** Knex's migrator reports a held lock with an error of this name. */
const LOCK_ERROR = 'MigrationLocked';

/** Knex migrator warnings that only repeat the error keelson throws. */
const REPEATED_WARNINGS = [
  /^migration file ".*" failed/,
  /^migration failed with error/,
  /^Can't take lock to run migrations/,
  /^If you are sure migrations are not running/,
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies and rolls back the migration files of one database alias (`<directory>/<alias>/`, sorted by file
 * name) with Knex's migrator: applied migrations are recorded in `tableName` (lock table
 * `<tableName>_lock`), in the registry's schema when it sets one.
 */
export class Migrator {
  /** The database alias. */
  readonly alias: string;
  readonly database: Database;
  /** The folder of this alias's migration files. */
  readonly directory: string;
  /** The table recording applied migrations. */
  readonly tableName: string;
  /** The schema (a database on MySQL) holding the migrations table, when the registry or the URL names one. */
  readonly schemaName?: string;
  private readonly loadExtensions: string[];
  private readonly lockTimeout: number;
  private readonly modules = new Map<string, Promise<Knex.Migration>>();

  /** `config` is merged over the registry's `migrations` option; a relative `directory` is resolved from `cwd`. */
  constructor(registry: Registry, alias = 'default', config: MigrationConfig = {}, cwd: string = process.cwd()) {
    const merged = mergeMigrationConfig(registry.options.migrations, config);
    this.alias = alias;
    this.database = registry.databaseFor(alias);
    this.directory = aliasDirectory(merged, alias, cwd);
    this.tableName = migrationTable(merged);
    this.schemaName = this.database.driver.supportsSchemas ? registry.schemaFor(alias) : undefined;
    this.loadExtensions = (merged.loadExtensions ?? DEFAULT_LOAD_EXTENSIONS).map((e) => (e.startsWith('.') ? e : `.${e}`));
    this.lockTimeout = merged.lockTimeout ?? 30_000;
  }

  /** Whether the alias has a migration folder. */
  hasDirectory(): boolean {
    return isDirectory(this.directory);
  }

  /** The migration files in the folder, sorted by name (none when the folder is missing). */
  files(): MigrationFile[] {
    return migrationFiles(this.directory, this.loadExtensions);
  }

  /** Every migration, in file order, with its applied state, batch and time; applied ones whose file is gone come last. */
  async list(): Promise<MigrationState[]> {
    const files = this.files();
    const rows = await this.appliedRows(await this.knex());
    const byName = new Map(rows.map((r) => [r.name, r]));
    const states: MigrationState[] = files.map(({ name, file }) => {
      const row = byName.get(name);
      return { name, file, applied: !!row, batch: row?.batch, appliedAt: row?.appliedAt };
    });
    const known = new Set(files.map((f) => f.name));
    for (const row of rows) if (!known.has(row.name)) states.push({ name: row.name, applied: true, batch: row.batch, appliedAt: row.appliedAt });
    return states;
  }

  /** Names of the migrations not applied yet, in file order. */
  async pending(): Promise<string[]> {
    return (await this.list()).filter((m) => !m.applied).map((m) => m.name);
  }

  /** Names of the applied migrations, in file order. */
  async applied(): Promise<string[]> {
    return (await this.list()).filter((m) => m.applied).map((m) => m.name);
  }

  /** Applies every pending migration; resolves to the names applied (empty when there was nothing to apply). */
  async latest(): Promise<string[]> {
    return this.apply(undefined);
  }

  /** Applies pending migrations up to and including `target` (`0003_x`, `0003_x.ts` or `0003`); forward only. */
  async migrateTo(target: string): Promise<string[]> {
    return this.apply(target);
  }

  /** Rolls back the last applied migration, or every one after `target` (kept), or all for `'zero'`; resolves to their names. */
  async downgrade(target?: string): Promise<string[]> {
    const states = await this.list();
    this.checkMissingFiles(states);
    const applied = states.filter((s) => s.applied);
    let todo: MigrationState[];
    if (target === undefined) todo = applied.slice(-1);
    else if (target.trim() === 'zero') todo = [...applied].reverse();
    else {
      const state = this.resolve(target, states);
      if (!state.applied) {
        throw new ConfigurationError(
          `${this.label()}: migration ${state.name} is not applied, so there is nothing to keep it at; \`keelson migrate --to ${state.name}\` applies it.`,
        );
      }
      const index = states.indexOf(state);
      todo = states
        .slice(index + 1)
        .filter((s) => s.applied)
        .reverse();
    }
    if (!todo.length) return [];
    const done: string[] = [];
    for (const state of todo) {
      await this.runKnex('down', [state.name], (migrate, config) => migrate.down({ ...config, name: state.name }));
      done.push(state.name);
    }
    return done;
  }

  /** The state `target` names (see `resolveTarget`). */
  private resolve(target: string, states: MigrationState[]): MigrationState {
    return resolveTarget(target, states, { loadExtensions: this.loadExtensions, directory: this.directory, label: this.label() });
  }

  /** Releases the migration lock left behind by a process that crashed while migrating. */
  async unlock(): Promise<void> {
    const knex = await this.knex();
    if (!(await this.tableExists(knex, `${this.tableName}_lock`))) return;
    await knex.migrate.forceFreeMigrationsLock({ tableName: this.tableName, schemaName: this.schemaName });
  }

  /** Applies pending migrations up to `target` (all of them when undefined). */
  private async apply(target: string | undefined): Promise<string[]> {
    const states = await this.list();
    this.checkMissingFiles(states);
    let todo = states.filter((s) => !s.applied);
    let last: MigrationState | undefined;
    if (target !== undefined) {
      if (target.trim() === 'zero') {
        throw new ConfigurationError(`${this.label()}: migrate only moves forward; \`keelson downgrade --to zero\` rolls back every migration.`);
      }
      last = this.resolve(target, states);
      const index = states.indexOf(last);
      if (last.applied) {
        const later = states.slice(index + 1).filter((s) => s.applied);
        if (later.length) {
          throw new ConfigurationError(
            `${this.label()}: migration ${last.name} is already applied, and so ${later.length === 1 ? 'is' : 'are'} ${later.map((s) => s.name).join(', ')}. ` +
              `migrate only moves forward: run \`keelson downgrade --to ${last.name}\` to roll back the migrations after it.`,
          );
        }
      }
      todo = states.slice(0, index + 1).filter((s) => !s.applied);
    }
    if (!todo.length) return [];
    const names = todo.map((s) => s.name);
    const goal = todo[todo.length - 1].name;
    const [, log] = (await this.runKnex('up', names, (migrate, config) =>
      target === undefined ? migrate.latest(config) : migrate.to({ ...config, name: goal }),
    )) as [number, string[]];
    return log ?? names;
  }

  /** Runs one Knex migrator call, waiting for another process's lock, and turns failures into keelson errors. */
  private async runKnex(
    direction: 'up' | 'down',
    names: string[],
    call: (migrate: Knex.Migrator, config: Knex.MigratorConfig) => Promise<unknown>,
  ): Promise<unknown> {
    const knex = await this.knex();
    const files = this.files().filter((f) => names.includes(f.name));
    for (const f of files) ensureLoadable(f, this.label());
    if (direction === 'up') await this.ensureSchema(knex);
    const config: Knex.MigratorConfig = {
      tableName: this.tableName,
      schemaName: this.schemaName,
      migrationSource: this.source(),
      // MySQL commits DDL on the spot: a transaction around several migrations would only record some of
      // them after a failure. Each migration runs on its own (a migration may still ask for a transaction).
      disableTransactions: !this.database.driver.transactionalDdl,
    };
    // A dialect may repair what its driver stored in the migrations table (SQLite: `migration_time` under jest).
    const afterMigrate = this.database.driver.migrations.afterMigrate;
    if (afterMigrate) (config as Knex.MigratorConfigWithLifecycleHooks).afterAll = (trx) => afterMigrate(trx, this.tableName);
    const before = direction === 'up' ? new Set((await this.appliedRows(knex)).map((r) => r.name)) : undefined;
    const deadline = Date.now() + this.lockTimeout;
    for (;;) {
      try {
        return await call(this.knexMigrator(knex), config);
      } catch (error) {
        if (error instanceof Error && error.name === LOCK_ERROR) {
          if (Date.now() < deadline) {
            await sleep(Math.min(250, Math.max(10, deadline - Date.now())));
            continue;
          }
          const lock = `${this.schemaName ? `${this.schemaName}.` : ''}${this.tableName}_lock`;
          throw new MigrationError(
            `${this.label()}: migrations are locked by another process (table ${lock}) and the lock was not released within ${this.lockTimeout} ms. ` +
              `If no migration is running, one crashed while holding it: release it with \`update ${lock} set is_locked = 0\` (or Migrator.unlock()).`,
            error,
            { alias: this.alias },
          );
        }
        throw await this.failure(error, knex, direction, before);
      }
    }
  }

  /** The error a failed run throws: a `MigrationError` naming the migration, with what stayed applied. */
  private async failure(error: unknown, knex: Knex, direction: 'up' | 'down', before?: Set<string>): Promise<KeelsonError> {
    if (error instanceof KeelsonError && !(error instanceof MigrationError)) return error;
    let applied: string[] = [];
    if (before) {
      try {
        applied = (await this.appliedRows(knex)).map((r) => r.name).filter((n) => !before.has(n));
      } catch {
        // the failure itself matters more
      }
    }
    if (error instanceof MigrationError) {
      let kept = '';
      if (direction === 'up') {
        const transactional = this.database.driver.transactionalDdl;
        kept = applied.length
          ? ` Applied before the failure: ${applied.join(', ')}.`
          : transactional
            ? ' Nothing of this run was applied (rolled back).'
            : ' Nothing else of this run was applied.';
        if (!transactional)
          kept += ` ${this.database.driver.displayName} cannot roll back DDL: statements of ${error.migration} that ran before the failure remain.`;
      }
      const message = /[.!?]$/.test(error.message) || !kept ? error.message : `${error.message}.`;
      return new MigrationError(`${message}${kept}`, error.cause, {
        alias: this.alias,
        migration: error.migration,
        file: error.file,
        code: error.code,
        applied,
      });
    }
    return new MigrationError(`${this.label()}: migrating ${direction === 'up' ? 'up' : 'down'} failed: ${errorMessage(error)}`, error, {
      alias: this.alias,
      code: this.database.driver.errorCode(error),
      applied,
    });
  }

  /** Knex's migrator on `knex`, with its warnings that repeat keelson's error dropped. */
  private knexMigrator(knex: Knex): Knex.Migrator {
    const migrator = knex.migrate;
    const client = (migrator as unknown as { knex?: { client?: { logger?: { warn(message: unknown): void } } } }).knex?.client;
    const logger = client?.logger;
    if (client && logger) {
      const quiet = Object.create(logger) as typeof logger;
      quiet.warn = (message: unknown) => {
        if (typeof message === 'string' && REPEATED_WARNINGS.some((r) => r.test(message))) return;
        logger.warn(message);
      };
      client.logger = quiet;
    }
    return migrator;
  }

  /** A Knex migration source over the folder, keyed by file name without extension. */
  private source(): Knex.MigrationSource<MigrationFile> {
    return {
      getMigrations: async () => this.files(),
      getMigrationName: (migration) => migration.name,
      getMigration: (migration) => this.load(migration),
    };
  }

  /** Loads a migration module once; its `up`/`down` throw a `MigrationError` naming it. */
  private load(migration: MigrationFile): Promise<Knex.Migration> {
    let loaded = this.modules.get(migration.file);
    if (!loaded) {
      loaded = this.importModule(migration);
      this.modules.set(migration.file, loaded);
      loaded.catch(() => this.modules.delete(migration.file));
    }
    return loaded;
  }

  private importModule(migration: MigrationFile): Promise<Knex.Migration> {
    return importMigration(migration, { alias: this.alias, database: this.database, label: this.label() });
  }

  /** Applied migrations whose files are gone stop `migrate` and `downgrade` (Knex would call the folder corrupt). */
  private checkMissingFiles(states: MigrationState[]): void {
    const missing = states.filter((s) => s.applied && !s.file).map((s) => s.name);
    if (missing.length) {
      throw new ConfigurationError(
        `${this.label()}: applied migration${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no file in ${this.directory}. ` +
          `Restore the file${missing.length === 1 ? '' : 's'}, or delete ${missing.length === 1 ? 'its row' : 'their rows'} from ${this.tableName} if the migration is gone for good.`,
      );
    }
  }

  /** The rows of the migrations table (none when it does not exist yet). */
  private async appliedRows(knex: Knex): Promise<AppliedRow[]> {
    if (!(await this.tableExists(knex, this.tableName))) return [];
    const query = this.schemaName ? knex(this.tableName).withSchema(this.schemaName) : knex(this.tableName);
    const rows = (await query.select('name', 'batch', 'migration_time').orderBy('id')) as { name: string; batch: unknown; migration_time: unknown }[];
    return rows.map(appliedRow);
  }

  private async tableExists(knex: Knex, table: string): Promise<boolean> {
    try {
      return await (this.schemaName ? knex.schema.withSchema(this.schemaName) : knex.schema).hasTable(table);
    } catch (error) {
      throw this.database.wrapError(error, `${this.label()}: could not read the migrations table ${table}`);
    }
  }

  /** Creates the schema (a database on MySQL) of the migrations table when it is missing. */
  private async ensureSchema(knex: Knex): Promise<void> {
    if (!this.schemaName) return;
    const found = await knex('information_schema.schemata').where('schema_name', this.schemaName).first('schema_name');
    if (!found) await this.database.driver.createSchema(knex, this.schemaName, true);
  }

  /** The connected Knex instance of the alias. */
  private async knex(): Promise<Knex> {
    return (await this.database.connect()).knex;
  }

  /** `database "default" (url)` for messages. */
  private label(): string {
    return `database "${this.alias}" (${this.database.url})`;
  }
}

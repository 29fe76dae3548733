import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../errors';
import type { Registry } from '../registry/registry';
import { MigrationConfig, mergeMigrationConfig, migrationTable } from './config';
import { Migrator } from './migrator';
import { diffSchemas, DiffOptions, SchemaDiff } from './diff';
import { describe, PlannedOperation } from './operations';
import { liveShape, modelShape } from './shape';
import { renderMigration } from './writer';

/** Options of `makeMigrations` (the flags of `keelson makemigrations`). */
export interface MakeMigrationsOptions {
  /** Slug of the file name (`-m add subtitle` → `0002_add_subtitle.ts`); derived from the changes when omitted. */
  name?: string;
  /** Aliases to compare (default: every alias of the registry). */
  databases?: string[];
  /** `old:new` table renames and `table.old:new` column renames. */
  renames?: string[];
  /** Write drops instead of commenting them out. */
  allowDrop?: boolean;
  /** `table.column=value`: fills existing rows of a NOT NULL column that gets no default. */
  fill?: string[];
  /** `table.column`s (or comma lists of them) whose narrowing type change may convert values that do not fit. */
  allowLossy?: string[];
  /** Compare only; write nothing. */
  check?: boolean;
  /** Where migrations live (overrides the registry's `migrations` option). */
  config?: MigrationConfig;
  /** Clock for the file header (tests pin it). */
  now?: Date;
}

/** The outcome for one alias. */
export interface AliasMigration extends SchemaDiff {
  alias: string;
  /** Migration files of the alias not applied yet (the diff cannot see what they will do). */
  pending: string[];
  /** The file written, when there was something to write and `check` was off. */
  file?: string;
}

/** Whether `check` should fail: a step that would run (drops count only when allowed), or an unapplied migration. */
export function hasChanges(plan: SchemaDiff & { pending?: string[] }): boolean {
  return !!plan.pending?.length || plan.operations.some((p) => !p.skipped);
}

/** Parses `--rename` values into table and column renames. */
export function parseRenames(values: readonly string[] = []): NonNullable<DiffOptions['renames']> {
  const tables = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const value of values) {
    const match = /^([^:]+):([^:]+)$/.exec(value.trim());
    if (!match) throw new ConfigurationError(`--rename ${value}: write it as old_table:new_table, or table.old_column:new_column.`);
    const [, from, to] = match;
    const dot = from.lastIndexOf('.');
    if (dot < 0) {
      tables.set(from, to);
      continue;
    }
    const table = from.slice(0, dot);
    // `post.title:post.headline` and `post.title:headline` mean the same.
    const target = to.startsWith(`${table}.`) ? to.slice(table.length + 1) : to;
    if (target.includes('.')) throw new ConfigurationError(`--rename ${value}: a column keeps its table; write ${from}:${target.split('.').pop()}.`);
    columns.set(`${table}.${from.slice(dot + 1)}`, target);
  }
  return { tables, columns };
}

/** Parses `--fill table.column=value` values. */
export function parseFills(values: readonly string[] = []): Map<string, string> {
  const fills = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq > 0 ? value.slice(0, eq) : '';
    if (!key.includes('.')) throw new ConfigurationError(`--fill ${value}: write it as table.column=value.`);
    fills.set(key, value.slice(eq + 1));
  }
  return fills;
}

/** Parses `--allow-lossy table.column` values (each may be a comma list). */
export function parseAllowLossy(values: readonly string[] = []): Set<string> {
  const columns = new Set<string>();
  for (const value of values.flatMap((v) => v.split(','))) {
    const key = value.trim();
    if (!key) continue;
    if (!/^[^.]+\.[^.]+$/.test(key)) throw new ConfigurationError(`--allow-lossy ${key}: write it as table.column.`);
    columns.add(key);
  }
  return columns;
}

/** Compares one alias's models with its live database. The registry must be connected. */
export async function planMigration(registry: Registry, alias: string, options: MakeMigrationsOptions = {}): Promise<SchemaDiff> {
  const md = registry.metadataByName.get(alias);
  if (!md)
    throw new ConfigurationError(`No database alias "${alias}": the registry has ${[...registry.metadataByName.keys()].map((a) => `"${a}"`).join(', ')}.`);
  const db = registry.databaseFor(alias);
  const dialect = db.driver;
  const knex = await db.runner();
  const schema = md.schema;
  // The same config the Migrator uses: `options.config` over the registry's `migrations` option.
  const table = migrationTable(mergeMigrationConfig(registry.options.migrations, options.config));
  // Tables keelson does not own: its migration bookkeeping and the tables reflected models read.
  const ignore = new Set([table, `${table}_lock`]);
  for (const model of Object.values(registry.reflected)) if (model.meta.database === alias) ignore.add(model.meta.tablename);
  const live = (await dialect.introspect(knex, schema)).filter((t) => !ignore.has(t.name)).map((t) => liveShape(t, schema, dialect));
  const desired = [...md.tables.values()].map(modelShape);
  const qualified = (t: { name: string; schema?: string }) => (t.schema ? `${t.schema}.${t.name}` : t.name);
  return diffSchemas(
    desired,
    live,
    {
      dialect,
      schema,
      probe: {
        hasRows: async (t) => (await knex(qualified(t)).select(knex.raw('1 as one')).limit(1)).length > 0,
        hasNulls: async (t, column) => (await knex(qualified(t)).whereNull(column).select(knex.raw('1 as one')).limit(1)).length > 0,
        unfitRows: async (t, unfit, columns, limit) => {
          const rows = knex(qualified(t)).whereRaw(unfit.sql, unfit.bindings);
          const [counted] = (await rows.clone().count({ n: '*' })) as { n: unknown }[];
          const samples = (await rows.clone().select(columns).orderBy(columns[0]).limit(limit)) as Record<string, unknown>[];
          return { count: Number(counted?.n ?? 0), samples };
        },
      },
    },
    {
      allowDrop: options.allowDrop,
      renames: parseRenames(options.renames),
      fill: parseFills(options.fill),
      allowLossy: parseAllowLossy(options.allowLossy),
      ignoreTables: ignore,
    },
  );
}

/** `0003` for a folder holding 0001 and 0002. */
export function nextNumber(directory: string): string {
  const numbers = existsSync(directory)
    ? readdirSync(directory)
        .map((f) => /^(\d+)_/.exec(f)?.[1])
        .filter((n): n is string => !!n)
        .map(Number)
    : [];
  return String(Math.max(0, ...numbers) + 1).padStart(4, '0');
}

/** A file-name slug from the user's name, or from what the migration does. */
export function migrationSlug(operations: PlannedOperation[], first: boolean, name?: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'migration';
  if (name) return clean(name);
  const running = operations.filter((p) => !p.skipped);
  if (first && running.length && running.every((p) => p.op.kind === 'createTable' || p.op.kind === 'addForeignKey')) return 'initial';
  const parts = running.slice(0, 2).map((p) =>
    describe(p.op)
      .split(' (')[0]
      .replace(/^(\w+) (column|table|foreign key|unique|index) /, '$1 '),
  );
  return clean(parts.join(' and ') + (running.length > 2 ? ' and more' : ''));
}

/**
 * Compares every alias's models with its live database and writes one migration file per alias that
 * differs, under `<directory>/<alias>/`. With `check`, writes nothing. The registry must be connected.
 */
export async function makeMigrations(registry: Registry, options: MakeMigrationsOptions = {}): Promise<AliasMigration[]> {
  const aliases = options.databases?.length ? options.databases : [...registry.metadataByName.keys()];
  const config = mergeMigrationConfig(registry.options.migrations, options.config);
  const results: AliasMigration[] = [];
  for (const alias of aliases) {
    const migrator = new Migrator(registry, alias, config);
    const pending = await migrator.pending();
    if (pending.length && !options.check) {
      throw new ConfigurationError(
        `Database "${alias}" has migrations that are not applied (${pending.join(', ')}): run keelson migrate first, ` +
          'so the new migration does not repeat their changes.',
      );
    }
    const plan = await planMigration(registry, alias, options);
    // A registry without models is one whose model files were never imported, not a wish to drop every table.
    if (Object.keys(registry.models).length === 0 && plan.operations.some((p) => p.op.kind === 'dropTable')) {
      throw new ConfigurationError(
        `No models are registered, so every table of database "${alias}" would be dropped: import your model files before making migrations.`,
      );
    }
    const result: AliasMigration = { alias, pending, ...plan };
    results.push(result);
    if (options.check || !hasChanges(plan)) continue;
    const directory = migrator.directory;
    const number = nextNumber(directory);
    const file = join(directory, `${number}_${migrationSlug(plan.operations, number === '0001', options.name)}.ts`);
    const text = await renderMigration({
      alias,
      dialect: registry.databaseFor(alias).driver,
      operations: plan.operations,
      warnings: plan.warnings,
      generatedAt: options.now ?? new Date(),
    });
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, text);
    result.file = file;
  }
  return results;
}

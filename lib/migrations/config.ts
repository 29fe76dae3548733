import { isAbsolute, join, resolve } from 'node:path';

/** Where an alias keeps its migration files and which table records the applied ones. */
export interface MigrationConfig {
  /** Root folder of the migration files; each alias uses `<directory>/<alias>/`. Default: `migrations` (from the working directory). */
  directory?: string;
  /** Knex's table of applied migrations, created per alias (its lock table is `<tableName>_lock`). Default: `keelson_migrations`. */
  tableName?: string;
  /** Aliases `automigrate` migrates (default: every alias that has a migration folder). */
  databases?: string[];
  /** File extensions loaded as migrations, in order of preference when two files share a name. Default: {@link DEFAULT_LOAD_EXTENSIONS}. */
  loadExtensions?: string[];
  /** How long (ms) applying or rolling back waits for another process's migration lock before failing. Default: 30000. */
  lockTimeout?: number;
}

/** Migration file extensions, in order of preference (`0001_initial.ts` wins over a compiled `0001_initial.js` beside it). */
export const DEFAULT_LOAD_EXTENSIONS = ['.ts', '.cts', '.js', '.cjs', '.mjs'];

/** Merges migration configs left to right; `undefined` values do not override. */
export function mergeMigrationConfig(...configs: (MigrationConfig | boolean | undefined | null)[]): MigrationConfig {
  const merged: Record<string, unknown> = {};
  for (const config of configs) {
    if (!config || typeof config !== 'object') continue;
    for (const [key, value] of Object.entries(config)) if (value !== undefined) merged[key] = value;
  }
  return merged as MigrationConfig;
}

/** The default name of the table that records applied migrations. */
export const DEFAULT_MIGRATION_TABLE = 'keelson_migrations';

/** The folder holding one alias's migration files. */
export function aliasDirectory(config: MigrationConfig | undefined, alias: string, cwd: string = process.cwd()): string {
  const root = config?.directory ?? 'migrations';
  return join(isAbsolute(root) ? root : resolve(cwd, root), alias);
}

/** The table of applied migrations. */
export function migrationTable(config: MigrationConfig | undefined): string {
  return config?.tableName ?? DEFAULT_MIGRATION_TABLE;
}

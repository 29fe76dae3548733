import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { Database } from '../database/database';
import { maskUrl } from '../database/url';
import { ConfigurationError } from '../errors';
import { ensureTypeScriptLoader, isTypeScriptFile } from './load-typescript';
import { MigrationError } from './migration-error';

/** A migration file found in the alias's folder. */
export interface MigrationFile {
  name: string;
  file: string;
}

/** A loaded migration module. */
interface MigrationModule {
  up: (knex: Knex) => unknown;
  down: (knex: Knex) => unknown;
  config?: { transaction?: boolean };
}

/** What loading a migration reports its errors with. */
export interface LoadContext {
  alias: string;
  database: Database;
  /** `database "default" (url)` for messages. */
  label: string;
}

/** `import()` that TypeScript's CommonJS output leaves alone (for `.mjs` migrations). */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/** An error's message with any URL password masked. */
export const errorMessage = (error: unknown) => maskUrl(error instanceof Error ? error.message : String(error));

/** Whether `directory` exists and is a folder. */
export function isDirectory(directory: string): boolean {
  return existsSync(directory) && statSync(directory).isDirectory();
}

/**
 * The migration files in `directory`, sorted by name (none when the folder is missing). Where one name has
 * several files, the extension earlier in `loadExtensions` wins.
 */
export function migrationFiles(directory: string, loadExtensions: readonly string[]): MigrationFile[] {
  if (!isDirectory(directory)) return [];
  const byName = new Map<string, { file: string; rank: number }>();
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory() || entry.name.startsWith('.') || /\.d\.[cm]?ts$/.test(entry.name)) continue;
    const ext = extname(entry.name);
    const rank = loadExtensions.indexOf(ext);
    if (rank < 0) continue;
    const name = basename(entry.name, ext);
    const seen = byName.get(name);
    if (!seen || rank < seen.rank) byName.set(name, { file: join(directory, entry.name), rank });
  }
  return [...byName.entries()].map(([name, { file }]) => ({ name, file })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Makes sure a TypeScript migration can be required (registers ts-node when needed). */
export function ensureLoadable({ name, file }: MigrationFile, label: string): void {
  if (isTypeScriptFile(file) && !ensureTypeScriptLoader(file)) {
    throw new ConfigurationError(
      `${label}: migration ${name} (${file}) is TypeScript, but ts-node is not installed: npm install --save-dev ts-node, or compile the migrations to JavaScript.`,
    );
  }
}

/** Loads a migration module; its `up`/`down` throw a `MigrationError` naming it. */
export async function importMigration({ name, file }: MigrationFile, context: LoadContext): Promise<Knex.Migration> {
  const { alias, database, label } = context;
  ensureLoadable({ name, file }, label);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = extname(file) === '.mjs' ? await dynamicImport(pathToFileURL(file).href) : (require(file) as Record<string, unknown>);
  } catch (error) {
    throw new ConfigurationError(`${label}: could not load migration ${name} (${file}): ${errorMessage(error)}`, { cause: error });
  }
  const exported = (typeof mod.up === 'function' ? mod : ((mod.default as Record<string, unknown> | undefined) ?? mod)) as Partial<MigrationModule>;
  const { up, down } = exported;
  if (typeof up !== 'function' || typeof down !== 'function') {
    throw new ConfigurationError(`${label}: migration ${name} (${file}) must export both \`up(knex)\` and \`down(knex)\` functions.`);
  }
  const guard =
    (direction: 'up' | 'down', fn: (knex: Knex) => unknown) =>
    async (knex: Knex): Promise<unknown> => {
      try {
        return await fn(knex);
      } catch (error) {
        const what = direction === 'up' ? `Migration ${name}` : `Rolling back migration ${name}`;
        throw new MigrationError(`${what} failed on database "${alias}" (${database.url}): ${errorMessage(error)}`, error, {
          alias,
          migration: name,
          file,
          code: database.driver.errorCode(error),
        });
      }
    };
  const config = exported.config ?? (mod.config as MigrationModule['config']);
  return { up: guard('up', up), down: guard('down', down), ...(config ? { config } : {}) };
}

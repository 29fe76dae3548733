import { resolve } from 'node:path';
import type { Migrator } from '../migrations/migrator';
import type { Registry } from '../registry/registry';
import type { OptionSpec, ParsedOptions } from './args';
import type { Command } from './command';
import { databaseAliases } from './command';

/** `--dir`, shared by the migration commands. */
export const DIR_OPTION: OptionSpec = {
  name: 'dir',
  kind: 'value',
  metavar: 'path',
  description: "root folder of the migrations, one subfolder per alias (default: the registry's `migrations.directory`, else ./migrations)",
};

/** The migrator of one alias, with `--dir` (resolved from the working directory) over the registry's `migrations` option. */
export async function migratorFor(registry: Registry, alias: string, options: ParsedOptions): Promise<Migrator> {
  const dir = options.dir as string | undefined;
  // Imported here so `--help` never loads the ORM.
  const { Migrator } = await import('../migrations/migrator');
  return new Migrator(registry, alias, dir ? { directory: resolve(process.cwd(), dir) } : {});
}

/** `keelson migrate`: applies pending migrations of one alias. */
export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending migrations',
  synopsis: 'keelson migrate [--database alias] [--to name] [--dir path] [--app module]',
  description:
    'Applies the pending migrations of a database alias (files in <dir>/<alias>/, in file name order) and records them in the keelson_migrations table. With --to, applies them up to and including that migration (its file name, with or without extension, or its number: 0003); it only moves forward — use `keelson downgrade` to go back. On PostgreSQL and SQLite a failed run is rolled back.',
  options: [
    { name: 'database', short: 'd', kind: 'value', metavar: 'alias', description: "database alias (default: 'default')" },
    { name: 'to', kind: 'value', metavar: 'name', description: 'stop after this migration (default: apply all)' },
    DIR_OPTION,
  ],
  async run({ registry: load, options, stderr }) {
    const registry = load();
    const [alias] = databaseAliases(registry, options.database);
    const migrator = await migratorFor(registry, alias, options);
    const target = options.to as string | undefined;
    if (!migrator.hasDirectory() && target === undefined) {
      stderr.write(`${alias}: nothing to apply (no migrations in ${migrator.directory})\n`);
      return;
    }
    const applied = target === undefined ? await migrator.latest() : await migrator.migrateTo(target);
    stderr.write(applied.length ? `${alias}: applied ${applied.join(', ')}\n` : `${alias}: nothing to apply\n`);
  },
};

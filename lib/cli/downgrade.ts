import type { Command } from './command';
import { databaseAliases } from './command';
import { DIR_OPTION, migratorFor } from './migrate';

/** `keelson downgrade`: rolls back migrations of one alias. */
export const downgrade: Command = {
  name: 'downgrade',
  summary: 'roll back migrations (the last one by default)',
  synopsis: 'keelson downgrade [--database alias] [--to name|zero] [--dir path] [--app module]',
  description:
    'Rolls back applied migrations of a database alias, running their down() functions newest first. Without --to, rolls back the last applied migration; --to name rolls back every migration after that one (which stays applied); --to zero rolls back all of them.',
  options: [
    { name: 'database', short: 'd', kind: 'value', metavar: 'alias', description: "database alias (default: 'default')" },
    { name: 'to', kind: 'value', metavar: 'name|zero', description: 'keep this migration and roll back the ones after it; zero rolls back all' },
    DIR_OPTION,
  ],
  async run({ registry: load, options, stderr }) {
    const registry = load();
    const [alias] = databaseAliases(registry, options.database);
    const migrator = await migratorFor(registry, alias, options);
    const rolledBack = await migrator.downgrade(options.to as string | undefined);
    stderr.write(rolledBack.length ? `${alias}: rolled back ${rolledBack.join(', ')}\n` : `${alias}: nothing to roll back\n`);
  },
};

import type { Command } from './command';
import { databaseAliases } from './command';

/** `keelson createall`: creates every missing table of the named aliases. */
export const createall: Command = {
  name: 'createall',
  summary: 'create the tables of every model (idempotent)',
  synopsis: 'keelson createall [--database alias ...] [--app module]',
  description:
    'Creates the schema (when the registry sets one) and every missing table of the models on each database alias, in dependency order. Existing tables are left alone.',
  options: [{ name: 'database', short: 'd', kind: 'list', split: true, metavar: 'alias', description: "database alias (default: 'default')" }],
  async run({ models: load, options, stderr }) {
    const registry = load();
    const aliases = databaseAliases(registry, options.database);
    await registry.connect();
    registry.refreshMetadata();
    for (const alias of aliases) {
      const md = registry.metadataByName.get(alias)!;
      const db = registry.databaseFor(alias);
      const before = await db.driver.listTables(await db.runner(), md.schema).catch(() => new Set<string>());
      await registry.createAll({ databases: [alias], refreshMetadata: false });
      const created = [...md.tables.keys()].filter((t) => !before.has(t));
      const total = md.tables.size;
      stderr.write(
        created.length
          ? `${alias}: created ${created.length} of ${total} table${total === 1 ? '' : 's'} (${created.join(', ')})\n`
          : `${alias}: all ${total} table${total === 1 ? '' : 's'} already exist\n`,
      );
    }
  },
};

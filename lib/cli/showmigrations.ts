import type { Command } from './command';
import { databaseAliases } from './command';
import { DIR_OPTION, migratorFor } from './migrate';

/** `keelson showmigrations`: lists migrations per alias, applied or not. */
export const showmigrations: Command = {
  name: 'showmigrations',
  summary: 'list migrations and whether they are applied',
  synopsis: 'keelson showmigrations [--database alias ...] [--dir path] [--app module]',
  description:
    'Prints, per database alias, one line per migration: "[X] 0001_initial" when applied, "[ ] 0002_add_subtitle" when pending. An applied migration whose file is gone is marked "(no file)".',
  options: [{ name: 'database', short: 'd', kind: 'list', split: true, metavar: 'alias', description: 'only these aliases (default: all)' }, DIR_OPTION],
  async run({ registry: load, options, stdout }) {
    const registry = load();
    const aliases = options.database ? databaseAliases(registry, options.database) : ['default', ...Object.keys(registry.extra)];
    const out: string[] = [];
    for (const alias of aliases) {
      const migrator = await migratorFor(registry, alias, options);
      const states = await migrator.list();
      out.push(alias);
      if (!states.length) out.push(` (no migrations in ${migrator.directory})`);
      for (const s of states) out.push(` [${s.applied ? 'X' : ' '}] ${s.name}${s.file ? '' : ' (no file)'}`);
    }
    stdout.write(`${out.join('\n')}\n`);
  },
};

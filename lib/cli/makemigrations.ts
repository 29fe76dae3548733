import { relative } from 'node:path';
import { describe } from '../migrations/operations';
import { hasChanges, makeMigrations } from '../migrations/make';
import type { Command } from './command';
import { databaseAliases } from './command';
import { DIR_OPTION } from './migrate';

/** A path relative to the working directory when it is inside it, else absolute. */
const shortPath = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

/** `keelson makemigrations`: diffs the models against the live database and writes a Knex migration per alias. */
export const makemigrations: Command = {
  name: 'makemigrations',
  summary: 'write a migration from the difference between the models and the database',
  synopsis:
    'keelson makemigrations [-m name] [--database alias ...] [--rename old:new ...] [--fill table.column=value ...] [--allow-lossy table.column ...] [--allow-drop] [--check] [--dir path] [--app module]',
  description: [
    'Compares the models of each database alias with its live tables (columns, types, nullability, defaults,',
    'unique constraints, indexes, foreign keys, schema) and writes <dir>/<alias>/NNNN_<name>.ts, a Knex migration',
    'with up() and down(). Nothing destructive is written unless asked: a column or table gone from the models is',
    'dropped only with --allow-drop (otherwise the drop is written commented out), and a rename is a rename only',
    'when named with --rename (otherwise it would be a drop and an add). A NOT NULL column without a default',
    'cannot be added to a table with rows unless --fill gives the existing rows a value. A narrowing type change',
    '(a shorter string, fewer digits, fewer choices) is refused while rows do not fit, unless --allow-lossy names the',
    'column; the migration checks the rows again before it changes anything. With --check, writes',
    'nothing and exits 1 when the database differs from the models (for CI).',
  ].join('\n'),
  options: [
    { name: 'name', short: 'm', kind: 'value', metavar: 'name', description: 'name of the migration (default: derived from its changes)' },
    { name: 'database', short: 'd', kind: 'list', split: true, metavar: 'alias', description: 'database alias (default: every alias)' },
    { name: 'rename', kind: 'list', metavar: 'old:new', description: 'rename a table (old:new) or a column (table.old:new) instead of dropping and adding' },
    { name: 'fill', kind: 'list', metavar: 'table.column=value', description: 'value for existing rows of a NOT NULL column that has no default' },
    {
      name: 'allow-lossy',
      kind: 'list',
      split: true,
      metavar: 'table.column',
      description: 'convert values a narrowing type change does not fit (cut, rounded) instead of refusing',
    },
    { name: 'allow-drop', kind: 'flag', description: 'write drops of columns and tables gone from the models (they lose data)' },
    { name: 'check', kind: 'flag', description: 'write nothing; exit 1 when models and database differ' },
    DIR_OPTION,
  ],
  async run({ models: load, options, stdout, stderr }) {
    const registry = load();
    const aliases = options.database ? databaseAliases(registry, options.database) : undefined;
    await registry.connect();
    registry.refreshMetadata();
    const config = { ...registry.options.migrations, ...(options.dir ? { directory: options.dir as string } : {}) };
    const results = await makeMigrations(registry, {
      name: options.name as string | undefined,
      databases: aliases,
      renames: options.rename as string[] | undefined,
      fill: options.fill as string[] | undefined,
      allowLossy: options['allow-lossy'] as string[] | undefined,
      allowDrop: options['allow-drop'] === true,
      check: options.check === true,
      config,
    });
    let differs = false;
    for (const result of results) {
      for (const warning of result.warnings) stderr.write(`${result.alias}: warning: ${warning}\n`);
      if (options.check) {
        if (hasChanges(result)) {
          differs = true;
          const steps = result.operations.filter((p) => !p.skipped).map((p) => `  - ${describe(p.op)}\n`);
          const pending = result.pending.map((name) => `  - migration ${name} is not applied (keelson migrate)\n`);
          stdout.write(`${result.alias}: the database differs from the models:\n${[...pending, ...steps].join('')}`);
        } else {
          stdout.write(`${result.alias}: no changes\n`);
        }
        continue;
      }
      if (result.file) {
        stdout.write(
          `${result.alias}: wrote ${shortPath(result.file)}\n${result.operations.map((p) => `  - ${p.skipped ? '(commented out) ' : ''}${describe(p.op)}\n`).join('')}`,
        );
      } else {
        stdout.write(`${result.alias}: no changes\n`);
      }
    }
    return differs ? 1 : 0;
  },
};

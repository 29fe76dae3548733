import { createInterface } from 'node:readline';
import { CliError } from './args';
import type { Command } from './command';
import { databaseAliases } from './command';

/** Reads answers from stdin one line at a time; `undefined` once stdin ends. */
class LineReader {
  private iterator?: AsyncIterator<string>;
  private close?: () => void;

  constructor(private readonly input: NodeJS.ReadableStream) {}

  async next(): Promise<string | undefined> {
    if (!this.iterator) {
      const rl = createInterface({ input: this.input, terminal: false });
      this.iterator = rl[Symbol.asyncIterator]();
      this.close = () => rl.close();
    }
    const { done, value } = await this.iterator.next();
    return done ? undefined : value;
  }

  dispose(): void {
    this.close?.();
  }
}

/** `keelson dropall`: drops the tables of the named aliases after a confirmation. */
export const dropall: Command = {
  name: 'dropall',
  summary: 'drop the tables of every model (asks first)',
  synopsis: 'keelson dropall [--database alias ...] [--yes] [--app module]',
  description:
    'Drops every existing table of the models on each database alias (dependents first; the schema with cascade when the registry sets one). Asks "Drop N tables on <alias>? [y/N]" first unless --yes is given; with no terminal and no answer on stdin it refuses.',
  options: [
    { name: 'database', short: 'd', kind: 'list', split: true, metavar: 'alias', description: "database alias (default: 'default')" },
    { name: 'yes', short: 'y', kind: 'flag', description: 'drop without asking' },
  ],
  async run({ models: load, options, stderr, stdin }) {
    const registry = load();
    const aliases = databaseAliases(registry, options.database);
    await registry.connect();
    registry.refreshMetadata();
    const reader = new LineReader(stdin);
    try {
      for (const alias of aliases) {
        const md = registry.metadataByName.get(alias)!;
        const db = registry.databaseFor(alias);
        const existing = await db.driver.listTables(await db.runner(), md.schema);
        const present = [...md.tables.keys()].filter((t) => existing.has(t));
        if (!present.length && !md.schema) {
          stderr.write(`${alias}: nothing to drop (none of its ${md.tables.size} tables exist)\n`);
          continue;
        }
        const what = `${present.length} table${present.length === 1 ? '' : 's'}${md.schema ? ` and schema "${md.schema}"` : ''}`;
        if (options.yes !== true) {
          stderr.write(`Drop ${what} on ${alias}? [y/N] `);
          const answer = await reader.next();
          if (answer === undefined) {
            stderr.write('\n');
            throw new CliError(
              stdin.isTTY
                ? `Not dropping anything on ${alias}: no answer.`
                : `Refusing to drop ${what} on ${alias} without confirmation: stdin is not a terminal. Pass --yes to drop without asking.`,
            );
          }
          if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError(`Aborted: nothing dropped on ${alias}.`);
        }
        await registry.dropAll({ databases: [alias] });
        stderr.write(`${alias}: dropped ${what}${present.length ? ` (${present.join(', ')})` : ''}\n`);
      }
    } finally {
      reader.dispose();
    }
  },
};

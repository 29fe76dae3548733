import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { IntrospectedTable } from '../dialects/introspection';
import { mergeMigrationConfig, migrationTable } from '../migrations/config';
import type { Registry } from '../registry/registry';
import { CliError } from './args';
import { generateModels } from './codegen';
import type { Command } from './command';
import { databaseAliases } from './command';

/**
 * The live tables of `alias` that inspectdb writes models for (the registry must be connected): those of
 * `schema` (default: the registry's for the alias), limited to `only`, without keelson's own migration tables
 * (`keelson_migrations` and its lock table, or the names the `migrations` option gives) unless `only` names them.
 */
export async function inspectTables(
  registry: Registry,
  alias: string,
  options: { schema?: string; only?: readonly string[] } = {},
): Promise<IntrospectedTable[]> {
  const db = registry.databaseFor(alias);
  const schema = options.schema ?? registry.schemaFor(alias);
  const tables = await db.driver.introspect(await db.runner(), schema, options.only);
  // The Migrator keeps its tables in the registry's schema for the alias: elsewhere a table of that name is the user's.
  if (options.only || schema !== registry.schemaFor(alias)) return tables;
  const bookkeeping = migrationTable(mergeMigrationConfig(registry.options.migrations));
  return tables.filter((t) => t.name !== bookkeeping && t.name !== `${bookkeeping}_lock`);
}

/** `keelson inspectdb`: writes TypeScript models for live tables. */
export const inspectdb: Command = {
  name: 'inspectdb',
  summary: 'write TypeScript models for the live tables of a database',
  synopsis: 'keelson inspectdb [--database alias] [--schema s] [--tables a,b] [--output file.ts] [--registry-import ./registry] [--app module]',
  description:
    'Connects, reads the live tables (columns, keys, foreign keys, unique constraints, indexes) and writes one @Model class per table: properties named after the columns, foreign keys as @ForeignKey, composite primary keys as several key fields, join tables as a through model plus @ManyToMany. The source goes to stdout unless --output is given.',
  options: [
    { name: 'database', short: 'd', kind: 'value', metavar: 'alias', description: "database alias (default: 'default')" },
    { name: 'schema', kind: 'value', metavar: 'schema', description: "schema to read (default: the registry's / the connection's)" },
    { name: 'tables', short: 't', kind: 'list', split: true, metavar: 'a,b', description: 'only these tables' },
    { name: 'output', short: 'o', kind: 'value', metavar: 'file.ts', description: 'write the source to this file instead of stdout' },
    { name: 'registry-import', kind: 'value', metavar: 'module', description: "module the generated file imports { registry } from (default: './registry')" },
  ],
  async run({ registry: load, options, stdout, stderr }) {
    const registry = load();
    const [alias] = databaseAliases(registry, options.database);
    const db = registry.databaseFor(alias);
    if (typeof db.driver.introspect !== 'function') throw new CliError(`inspectdb: the ${db.dialect} dialect cannot introspect tables yet.`);
    await registry.connect();
    const schema = (options.schema as string | undefined) ?? registry.schemaFor(alias);
    const only = options.tables as string[] | undefined;
    const tables = await inspectTables(registry, alias, { schema, only });
    if (only) {
      const found = new Set(tables.map((t) => t.name));
      const missing = only.filter((t) => !found.has(t));
      if (missing.length) throw new CliError(`inspectdb: no table ${missing.join(', ')} on ${alias} (${db.url}${schema ? `, schema ${schema}` : ''}).`);
    }
    if (!tables.length) stderr.write(`inspectdb: no tables on ${alias} (${db.url}${schema ? `, schema ${schema}` : ''}).\n`);
    const source = generateModels(tables, {
      registryImport: (options['registry-import'] as string | undefined) ?? './registry',
      source: `database "${alias}" (${db.url})${schema ? `, schema ${schema}` : ''}`,
      dialect: db.driver,
    });
    const output = options.output as string | undefined;
    if (output) {
      const path = resolve(process.cwd(), output);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, source);
      stderr.write(`inspectdb: wrote ${tables.length} model${tables.length === 1 ? '' : 's'} to ${path}\n`);
    } else {
      stdout.write(source);
    }
  },
};

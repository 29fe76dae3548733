import type { FieldMeta, ModelClass } from '../metadata/types';
import type { Registry } from '../registry/registry';
import type { Command } from './command';
import { databaseAliases } from './command';

function describeType(f: FieldMeta): string {
  if (f.type === 'string' && f.maxLength) return `string(${f.maxLength})`;
  if (f.type === 'decimal' && f.precision !== undefined) return `decimal(${f.precision}${f.scale !== undefined ? `,${f.scale}` : ''})`;
  if (f.type === 'enum' && f.choices) return `enum(${f.choices.join('|')})`;
  return f.type;
}

function describeField(f: FieldMeta): string {
  const flags: string[] = [];
  if (f.primaryKey) flags.push('primary key');
  if (f.autoincrement) flags.push('autoincrement');
  if (f.nullable) flags.push('nullable');
  if (f.unique && !f.primaryKey) flags.push('unique');
  if (f.relation) {
    const target = f.relation.target?.meta?.name ?? f.relation.targetName ?? '?';
    const kind = f.relation.kind === 'oneToOne' ? 'OneToOne' : 'FK';
    const reverse = f.relation.relatedName === false ? '' : `, reverse ${target}.${f.relation.relatedName}`;
    return `${f.name}: ${kind} -> ${target} (column ${f.column}${reverse})${flags.length ? ` [${flags.join(', ')}]` : ''}`;
  }
  const column = f.column !== f.name ? ` (column ${f.column})` : '';
  return `${f.name}: ${describeType(f)}${column}${flags.length ? ` [${flags.join(', ')}]` : ''}`;
}

/** The lines describing one model. */
function describeModel(model: ModelClass, marks: string[]): string[] {
  const meta = model.meta;
  if (meta.isThrough) marks.push('through');
  const lines = [`  ${meta.name} -> table ${meta.tablename}${marks.length ? ` [${marks.join(', ')}]` : ''}`];
  for (const f of meta.fields.values()) lines.push(`    ${describeField(f)}`);
  for (const m of meta.manyToMany.values()) {
    const through = m.through?.meta?.name ?? (typeof m.rawThrough === 'string' ? m.rawThrough : '(generated)');
    const reverse = m.relatedName === false ? '' : m.relatedName ? `, reverse ${m.targetName}.${m.relatedName}` : '';
    lines.push(`    ${m.name}: M2M -> ${m.target?.meta?.name ?? m.targetName ?? '?'} via ${through}${reverse}`);
  }
  if (meta.uniqueTogether.length) lines.push(`    unique together: ${meta.uniqueTogether.map((g) => `(${g.join(', ')})`).join(', ')}`);
  return lines;
}

/** Every model (declared, reflected, pattern) with the alias it lives on. */
function modelsByAlias(registry: Registry): Map<string, { model: ModelClass; marks: string[] }[]> {
  const byAlias = new Map<string, { model: ModelClass; marks: string[] }[]>();
  const add = (model: ModelClass, marks: string[]) => {
    const alias = model.meta?.database ?? 'default';
    if (!byAlias.has(alias)) byAlias.set(alias, []);
    byAlias.get(alias)!.push({ model, marks });
  };
  for (const model of Object.values(registry.models)) add(model, []);
  for (const model of Object.values(registry.reflected)) add(model, ['reflected']);
  for (const model of Object.values(registry.patternModels)) add(model, ['pattern']);
  return byAlias;
}

/** `keelson showmodels`: lists the registry's models per database alias. */
export const showmodels: Command = {
  name: 'showmodels',
  summary: 'list models, tables, fields and relations per database',
  synopsis: 'keelson showmodels [--database alias ...] [--connect] [--app module]',
  description:
    'Prints, per database alias, every model with its table, fields and relations (FK -> target, M2M via the through model). Reflected and pattern models are marked. With --connect (implied when the registry has reflected or pattern models) the registry connects first, so reflected models show their live columns.',
  options: [
    { name: 'database', short: 'd', kind: 'list', split: true, metavar: 'alias', description: 'only these aliases (default: all)' },
    { name: 'connect', kind: 'flag', description: 'connect (and reflect) before listing' },
  ],
  async run({ models: load, options, stdout }) {
    const registry = load();
    const wanted = options.database ? databaseAliases(registry, options.database) : undefined;
    const reflecting = Object.keys(registry.reflected).length > 0 || Object.keys(registry.patternModels).length > 0;
    if (options.connect === true || reflecting) await registry.connect();
    registry.initModels();
    const byAlias = modelsByAlias(registry);
    const aliases = wanted ?? ['default', ...Object.keys(registry.extra)];
    const out: string[] = [];
    for (const alias of aliases) {
      const db = registry.databaseFor(alias);
      const models = (byAlias.get(alias) ?? []).sort((a, b) => a.model.meta.name.localeCompare(b.model.meta.name));
      const schema = registry.schemaFor(alias);
      out.push(`${alias} (${db.url}${schema ? `, schema ${schema}` : ''}): ${models.length} model${models.length === 1 ? '' : 's'}`);
      for (const { model, marks } of models) out.push(...describeModel(model, [...marks]));
      out.push('');
    }
    stdout.write(out.join('\n'));
  },
};

import { ModelDefinitionError } from '../errors';
import type { Database } from '../database/database';
import type { IntrospectedColumn, IntrospectedTable } from '../dialects/introspection';
import { LIVE_SPEC_KEYS } from '../dialects/introspection';
import { pickColumnSpec } from '../metadata/column-spec';
import { jsKindOf } from '../metadata/field-types';
import { isIdentifier } from '../metadata/identifier';
import { collectRawFields } from '../metadata/inheritance';
import { recordModelOptions } from '../metadata/raw';
import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import { BaseModel } from '../models/base-model';
import { forgetHydrators } from '../query/hydrator';
import type { Registry } from '../registry/registry';
import { logger } from '../registry/logger';

/** Tables a registry's pattern models already turned into models: `pattern \0 alias \0 schema \0 table`. */
const patternDone = new WeakMap<Registry, Set<string>>();

/** Models already warned about a composite key (once, not at every connect). */
const warnedComposite = new WeakSet<ModelMeta>();

const where = (alias: string, schema: string | undefined) => `database "${alias}"${schema ? `, schema "${schema}"` : ''}`;
const qualified = (table: string, schema: string | undefined) => (schema ? `${schema}.${table}` : table);

/** The live tables of an alias and schema (all of them, or just `only`). */
async function introspect(db: Database, schema: string | undefined, only?: readonly string[]): Promise<IntrospectedTable[]> {
  const runner = await db.runner();
  try {
    return await db.driver.introspect(runner, schema, only);
  } catch (error) {
    throw db.wrapError(error, `Could not read the tables of ${db.url}${schema ? ` (schema "${schema}")` : ''}`);
  }
}

/** Property names the model's classes declare (fields and foreign keys; not many-to-many). */
function declaredNames(model: ModelClass): Set<string> {
  return new Set(
    collectRawFields(model)
      .filter((raw) => raw.kind !== 'manyToMany')
      .map((raw) => raw.property),
  );
}

/** A property name for a live column that would not shadow a model method (`save`, `pk`, `toJSON`…). */
function propertyFor(meta: ModelMeta, column: string): string {
  if (!(column in BaseModel.prototype) && column !== 'constructor') return column;
  let name = `${column}_`;
  while (meta.fields.has(name) || meta.attnames.has(name)) name += '_';
  logger.warn(`${meta.name}: column "${column}" would hide the model method of that name; it is the field "${name}".`);
  return name;
}

/** A field for a live column not declared on the model: the column's spec (its type name aside), under a property name. */
function fieldFromColumn(meta: ModelMeta, column: IntrospectedColumn): FieldMeta {
  const name = propertyFor(meta, column.name);
  const field: FieldMeta = {
    ...pickColumnSpec(column, LIVE_SPEC_KEYS),
    name,
    column: column.name,
    attname: name,
    jsKind: jsKindOf(undefined, column.type),
    index: false,
    secret: false,
    serverDefault: column.hasDefault === true || column.autoincrement,
  };
  // An empty list is no choices.
  if (!column.choices?.length) delete field.choices;
  return field;
}

/**
 * Gives a reflected model the columns of its live table: every column not declared becomes a field, the
 * automatic `id` key gives way to the table's own key, and declared fields must exist as columns.
 */
export function applyTable(meta: ModelMeta, table: IntrospectedTable, alias: string, schema: string | undefined): void {
  const declared = declaredNames(meta.model);
  const live = new Map(table.columns.map((c) => [c.name, c]));
  const tableName = qualified(meta.tablename, schema);
  // Start over from the declared fields: drops the automatic `id` and what an earlier reflection added.
  const kept = [...meta.fields.values()].filter((f) => declared.has(f.name));
  for (const field of kept) {
    if (!live.has(field.column)) {
      throw new ModelDefinitionError(
        `${meta.name}.${field.name}: column "${field.column}" does not exist in table "${tableName}" on ${where(alias, schema)} ` +
          `(columns: ${[...live.keys()].join(', ')}). Fix the field's { column } or remove the field.`,
      );
    }
  }
  const byColumn = new Map(kept.map((f) => [f.column, f]));
  const livePks = table.columns.filter((c) => c.primaryKey);
  let pk = kept.find((f) => f.primaryKey);
  if (!pk && livePks.length) {
    // A declared field on the live key column becomes the key.
    const declaredKey = byColumn.get(livePks[0].name);
    if (declaredKey) {
      declaredKey.primaryKey = true;
      declaredKey.nullable = false;
      declaredKey.autoincrement = livePks[0].autoincrement && (declaredKey.type === 'integer' || declaredKey.type === 'bigint');
      pk = declaredKey;
    }
  }
  const composite = !pk && livePks.length > 1;
  if (composite && !warnedComposite.has(meta)) {
    warnedComposite.add(meta);
    logger.warn(
      `${meta.name}: table "${tableName}" has a composite primary key (${livePks.map((c) => c.name).join(', ')}); ` +
        `\`pk\` and relations use "${livePks[0].name}", while save/update/delete of an instance address all key columns.`,
    );
  }
  meta.fields = new Map();
  meta.columnToField = new Map();
  meta.attnames = new Map();
  const add = (field: FieldMeta) => {
    meta.fields.set(field.name, field);
    meta.columnToField.set(field.column, field);
    meta.attnames.set(field.attname, field);
  };
  for (const column of table.columns) {
    const declaredField = byColumn.get(column.name);
    if (declaredField) {
      add(declaredField);
      continue;
    }
    const field = fieldFromColumn(meta, column);
    if (field.primaryKey && (pk || livePks[0] !== column)) {
      // The key is declared elsewhere, or this is a later column of a composite key: a plain column here.
      field.primaryKey = false;
      field.autoincrement = false;
    } else if (field.primaryKey) {
      pk = field;
    }
    add(field);
  }
  if (!pk) {
    throw new ModelDefinitionError(
      `${meta.name}: table "${tableName}" on ${where(alias, schema)} has no primary key. Declare one with @PrimaryKey() on a column that identifies rows.`,
    );
  }
  meta.pkName = pk.name;
  meta.compositeKey = composite ? livePks.map((column) => meta.columnToField.get(column.name)!.name) : undefined;
  forgetHydrators(meta);
}

/** The schema a model's table lives in. */
const schemaOf = (registry: Registry, meta: ModelMeta) => meta.schema ?? registry.schemaFor(meta.database);

/** Reflects every reflected model of the registry from its live table, grouped by alias and schema. */
async function reflectDeclared(registry: Registry): Promise<void> {
  const groups = new Map<string, { alias: string; schema?: string; metas: ModelMeta[] }>();
  for (const model of Object.values(registry.reflected)) {
    const meta = model.meta;
    const schema = schemaOf(registry, meta);
    const key = `${meta.database}\u0000${schema ?? ''}`;
    if (!groups.has(key)) groups.set(key, { alias: meta.database, schema, metas: [] });
    groups.get(key)!.metas.push(meta);
  }
  for (const { alias, schema, metas } of groups.values()) {
    const db = registry.databaseFor(alias);
    const tables = new Map((await introspect(db, schema, [...new Set(metas.map((m) => m.tablename))])).map((t) => [t.name, t]));
    for (const meta of metas) {
      const table = tables.get(meta.tablename);
      if (!table) {
        throw new ModelDefinitionError(
          `Reflected model ${meta.name}: table "${qualified(meta.tablename, schema)}" does not exist on ${where(alias, schema)} (${db.url}). ` +
            'Create the table first, or fix the tablename / database option.',
        );
      }
      applyTable(meta, table, alias, schema);
    }
  }
}

/** Finds the alias of a `Database` object of the registry. */
function aliasOf(registry: Registry, database: Database): string {
  if (database === registry.database) return 'default';
  const found = Object.entries(registry.extra).find(([, db]) => db === database);
  if (!found) throw new ModelDefinitionError(`reflectPatternModels: ${database.url} is not a database of this registry.`);
  return found[0];
}

/**
 * Turns the live tables of one alias that match the registry's pattern models into reflected models,
 * each table once per pattern and alias however often this runs. Returns the models made now.
 */
export async function reflectPatternModels(registry: Registry, options: { databaseName?: string; database?: Database } = {}): Promise<ModelClass[]> {
  const alias = options.databaseName ?? (options.database ? aliasOf(registry, options.database) : 'default');
  const db = registry.databaseFor(alias);
  const patterns = Object.values(registry.patternModels).filter((p) => (p.meta.pattern?.databases ?? ['default']).includes(alias));
  if (!patterns.length) return [];
  let done = patternDone.get(registry);
  if (!done) patternDone.set(registry, (done = new Set()));
  const made: ModelClass[] = [];
  const bySchema = new Map<string, IntrospectedTable[]>();
  for (const pattern of patterns) {
    const meta = pattern.meta;
    const options = meta.pattern!;
    const required = [...meta.fields.values()].filter((f) => declaredNames(pattern).has(f.name));
    for (const scheme of options.schemes ?? [null]) {
      const schema = scheme ?? registry.schemaFor(alias);
      const schemaKey = schema ?? '';
      if (!bySchema.has(schemaKey)) bySchema.set(schemaKey, await introspect(db, schema));
      for (const table of bySchema.get(schemaKey)!) {
        options.include.lastIndex = 0;
        if (!options.include.test(table.name)) continue;
        if (options.exclude) {
          options.exclude.lastIndex = 0;
          if (options.exclude.test(table.name)) continue;
        }
        const key = [meta.name, alias, schemaKey, table.name].join('\u0000');
        if (done.has(key)) continue;
        const columns = new Set(table.columns.map((c) => c.name));
        const missing = required.find((f) => !columns.has(f.column));
        // A table lacking a column the pattern declares is not one of its tables.
        if (missing) continue;
        if (!isIdentifier(table.name)) {
          logger.warn(`Pattern model ${meta.name}: skipping table "${table.name}": its name is not a plain identifier.`);
          continue;
        }
        const name = options.template ? options.template(table.name) : `${meta.name}${table.name}`;
        if (typeof name !== 'string' || !name) {
          throw new ModelDefinitionError(
            `Pattern model ${meta.name}: template returned ${JSON.stringify(name)} for table "${table.name}"; it must return a model name.`,
          );
        }
        const existing = registry.models[name] ?? registry.reflected[name] ?? registry.patternModels[name];
        if (existing) {
          throw new ModelDefinitionError(
            `Pattern model ${meta.name}: the model ${name} it generates for table "${qualified(table.name, schema)}" on ${where(alias, schema)} ` +
              `clashes with the existing model ${existing.meta?.name ?? name} (class ${existing.name}, table "${existing.meta?.tablename}"). ` +
              'Give the pattern a template that makes distinct names, or exclude the table.',
          );
        }
        const Parent = pattern as unknown as new (...args: never[]) => BaseModel;
        const generated = { [name]: class extends Parent {} }[name] as unknown as ModelClass;
        // Recorded on the class like @Model would, so a registry copy rebuilds the same model.
        recordModelOptions(generated, { reflect: true, tablename: table.name, tablePrefix: '', database: alias, schema: scheme ?? undefined, name });
        registry.register(generated);
        applyTable(generated.meta, table, alias, schema);
        done.add(key);
        made.push(generated);
      }
    }
  }
  if (made.length) registry.invalidateModels();
  return made;
}

/** What `registry.connect()` runs: pattern models for every alias they name, then every reflected model. */
export async function reflectRegistry(registry: Registry): Promise<void> {
  const aliases = new Set<string>();
  for (const pattern of Object.values(registry.patternModels)) for (const alias of pattern.meta.pattern?.databases ?? ['default']) aliases.add(alias);
  for (const alias of aliases) await reflectPatternModels(registry, { databaseName: alias });
  if (Object.keys(registry.reflected).length) await reflectDeclared(registry);
  registry.invalidateModels();
}

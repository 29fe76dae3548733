import { ModelDefinitionError } from '../errors';
import type { Registry } from '../registry/registry';
import { checkIdentifier, inferFieldType, jsKindOf } from './field-types';
import { collectRawFields, inheritedOption, REFLECTED } from './inheritance';
import { ModelSignals } from '../models/signals';
import { ownModelOptions, FieldOptions, ForeignKeyOptions, ModelOptions, PatternOptions, RawField } from './raw';
import {
  EMPTY_MAP, ownMap, FieldMeta, IndexMeta, ManyToManyMeta, ModelClass, ModelMeta, REFERENTIAL_ACTIONS, ReferentialAction, RelationTarget,
} from './types';

/** A relation whose target still has to be resolved by the registry. */
export interface PendingRelation {
  kind: 'foreignKey' | 'oneToOne' | 'manyToMany';
  property: string;
  target: RelationTarget;
}

/** The builder's output: resolved own fields plus the relations left for the registry to bind. */
export interface BuiltModel {
  meta: ModelMeta;
  relations: PendingRelation[];
}

/**
 * Turns a class's raw decorator arguments (its own and its ancestors') into a `ModelMeta`.
 * Mistakes in the model's own fields throw here, when the class is declared.
 */
export function buildModelMeta(model: ModelClass, registry: Registry, overrides: ModelOptions = {}): BuiltModel {
  const options: ModelOptions = { ...(ownModelOptions(model) ?? {}), ...overrides };
  const name = options.name ?? model.name;
  if (!name) throw new ModelDefinitionError('A model class needs a name: anonymous classes cannot be registered.');
  const tablePrefix = options.tablePrefix ?? inheritedOption(model, 'tablePrefix');
  const database = options.database ?? inheritedOption(model, 'database') ?? 'default';
  if (database !== 'default' && !(database in registry.extra)) {
    const known = ['default', ...Object.keys(registry.extra)].join(', ');
    throw new ModelDefinitionError(`${name}: database "${database}" is not an alias of its registry (known: ${known}). Add it to the registry's extra option.`);
  }
  const base = options.tablename ?? `${name.toLowerCase()}s`;
  const tablename = tablePrefix ? `${tablePrefix}_${base}` : base;
  checkIdentifier('table name', tablename, name);
  if (options.schema !== undefined) checkIdentifier('schema', options.schema, name);
  const pattern = options.pattern;
  if (pattern !== undefined) {
    checkPattern(name, pattern);
    const unknown = (pattern.databases ?? []).find((alias) => alias !== 'default' && !(alias in registry.extra));
    if (unknown !== undefined) {
      throw new ModelDefinitionError(`${name}: pattern database "${unknown}" is not an alias of its registry (known: ${['default', ...Object.keys(registry.extra)].join(', ')}).`);
    }
  }

  const meta: ModelMeta = {
    name,
    model,
    registry,
    tablename,
    tablePrefix,
    database,
    abstract: options.abstract === true,
    reflect: options.reflect ?? (pattern === undefined && (model as { [REFLECTED]?: boolean })[REFLECTED] === true),
    schema: options.schema,
    pattern,
    isThrough: false,
    fields: new Map(),
    pkName: 'id',
    manyToMany: EMPTY_MAP as unknown as ModelMeta['manyToMany'],
    reverse: EMPTY_MAP as unknown as ModelMeta['reverse'],
    hiddenReverse: EMPTY_MAP as unknown as ModelMeta['hiddenReverse'],
    uniqueTogether: [],
    indexes: [],
    constraints: options.constraints ?? [],
    comment: options.comment,
    columnToField: new Map(),
    attnames: new Map(),
    signals: new ModelSignals(name),
    managers: EMPTY_MAP as unknown as ModelMeta['managers'],
  };

  const relations: PendingRelation[] = [];
  for (const raw of collectRawFields(model)) {
    if (raw.kind === 'field') {
      addField(meta, buildField(name, raw.property, raw.options, raw.designType));
    } else if (raw.kind === 'manyToMany') {
      ownMap(meta, 'manyToMany').set(raw.property, manyToManyMeta(raw));
      relations.push({ kind: raw.kind, property: raw.property, target: raw.target });
    } else {
      addField(meta, foreignKeyField(name, raw.property, raw.kind, raw.options));
      relations.push({ kind: raw.kind, property: raw.property, target: raw.target });
    }
  }
  finishPrimaryKey(meta);
  meta.uniqueTogether = (options.uniqueTogether ?? []).map((entry) => checkFieldList(meta, 'uniqueTogether', Array.isArray(entry) ? entry : [entry]));
  meta.indexes = (options.indexes ?? []).map((index): IndexMeta => ({ ...index, fields: checkFieldList(meta, 'indexes', index.fields) }));
  return { meta, relations };
}

/** Adds a field, refusing column clashes. */
export function addField(meta: ModelMeta, field: FieldMeta): void {
  const clash = meta.columnToField.get(field.column);
  if (clash && clash.name !== field.name) {
    throw new ModelDefinitionError(`${meta.name}.${field.name}: column "${field.column}" is already used by ${meta.name}.${clash.name}. Pass a different { column }.`);
  }
  const other = (f: FieldMeta | undefined) => (f && f.name !== field.name ? f : undefined);
  const attClash = other(meta.attnames.get(field.attname)) ?? other(meta.fields.get(field.attname)) ?? other(meta.attnames.get(field.name));
  if (attClash) {
    throw new ModelDefinitionError(`${meta.name}.${field.name} clashes with ${meta.name}.${attClash.name} (a foreign key keeps its value in "<name>_id"). Rename one of them.`);
  }
  if (meta.manyToMany.has(field.name)) {
    throw new ModelDefinitionError(`${meta.name}.${field.name} is declared twice.`);
  }
  const previous = meta.fields.get(field.name);
  if (previous) {
    meta.columnToField.delete(previous.column);
    meta.attnames.delete(previous.attname);
  }
  meta.fields.set(field.name, field);
  meta.columnToField.set(field.column, field);
  meta.attnames.set(field.attname, field);
}

function checkPattern(name: string, pattern: PatternOptions): void {
  const where = `${name}: the pattern option`;
  if (!pattern || !(pattern.include instanceof RegExp)) throw new ModelDefinitionError(`${where} needs include: a RegExp matching table names.`);
  if (pattern.exclude !== undefined && !(pattern.exclude instanceof RegExp)) throw new ModelDefinitionError(`${where}: exclude must be a RegExp.`);
  if (pattern.template !== undefined && typeof pattern.template !== 'function') throw new ModelDefinitionError(`${where}: template must be a function (tableName) => modelName.`);
  if (pattern.databases !== undefined && (!Array.isArray(pattern.databases) || pattern.databases.some((d) => typeof d !== 'string'))) {
    throw new ModelDefinitionError(`${where}: databases must be an array of database aliases.`);
  }
  if (pattern.schemes !== undefined && (!Array.isArray(pattern.schemes) || pattern.schemes.some((s) => s !== null && typeof s !== 'string'))) {
    throw new ModelDefinitionError(`${where}: schemes must be an array of schema names (null for the default).`);
  }
}

function buildField(owner: string, property: string, o: FieldOptions, designType: unknown): FieldMeta {
  const where = `${owner}.${property}`;
  const type = inferFieldType(owner, property, designType, o.type, o.choices !== undefined);
  const column = o.column ?? property;
  checkIdentifier('column name', column, where);
  if (o.maxLength !== undefined && (!Number.isInteger(o.maxLength) || o.maxLength <= 0)) {
    throw new ModelDefinitionError(`${where}: maxLength must be a positive integer, got ${String(o.maxLength)}.`);
  }
  if (type === 'enum' && (!Array.isArray(o.choices) || o.choices.length === 0)) {
    throw new ModelDefinitionError(`${where}: an enum field needs a non-empty choices array.`);
  }
  if (type === 'decimal' && o.precision !== undefined && o.scale !== undefined && o.scale > o.precision) {
    throw new ModelDefinitionError(`${where}: scale (${o.scale}) cannot exceed precision (${o.precision}).`);
  }
  if (type === 'datetime' && o.precision !== undefined && (!Number.isInteger(o.precision) || o.precision < 0 || o.precision > 6)) {
    throw new ModelDefinitionError(`${where}: a datetime's precision is its fractional-second digits, 0 to 6; got ${String(o.precision)}.`);
  }
  if (o.timezone !== undefined && type !== 'datetime') {
    throw new ModelDefinitionError(`${where}: timezone applies to datetime fields only, not ${type}.`);
  }
  const primaryKey = o.primaryKey === true;
  const integer = type === 'integer' || type === 'bigint';
  if (o.autoincrement && !integer) {
    throw new ModelDefinitionError(`${where}: autoincrement needs an integer or bigint field, not ${type}.`);
  }
  if (o.autoincrement && !primaryKey) {
    throw new ModelDefinitionError(`${where}: autoincrement is only available on the primary key.`);
  }
  const field: FieldMeta = {
    name: property,
    column,
    attname: property,
    type,
    jsKind: jsKindOf(designType, type),
    nullable: primaryKey ? false : o.nullable === true,
    default: o.default,
    unique: o.unique === true,
    index: o.index === true,
    maxLength: type === 'string' ? o.maxLength ?? 255 : o.maxLength,
    precision: o.precision,
    scale: o.scale,
    choices: o.choices,
    primaryKey,
    autoincrement: primaryKey && integer && (o.autoincrement ?? o.default === undefined),
    comment: o.comment,
    secret: o.secret === true,
  };
  if (o.timezone === false) field.timezone = false;
  if (o.autoincrement === true) explicitAutoincrement.add(field);
  return field;
}

/** Key fields declared with `autoincrement: true` (a composite key refuses them; an implicit one is turned off). */
const explicitAutoincrement = new WeakSet<FieldMeta>();

function checkAction(where: string, option: string, value: string | undefined, fallback: ReferentialAction): ReferentialAction {
  if (value === undefined) return fallback;
  const upper = String(value).toUpperCase();
  if (!REFERENTIAL_ACTIONS.has(upper)) {
    throw new ModelDefinitionError(`${where}: ${option} "${value}" is not one of ${[...REFERENTIAL_ACTIONS].join(', ')}.`);
  }
  return upper as ReferentialAction;
}

/** A foreign-key (or one-to-one) field built from decorator-style options. */
export function foreignKeyField(owner: string, property: string, kind: 'foreignKey' | 'oneToOne', o: ForeignKeyOptions): FieldMeta {
  const where = `${owner}.${property}`;
  const column = o.column ?? `${property}_id`;
  checkIdentifier('column name', column, where);
  const primaryKey = o.primaryKey === true;
  if (primaryKey && o.nullable === true) throw new ModelDefinitionError(`${where}: a primary key cannot be nullable.`);
  const nullable = o.nullable === true;
  const onDelete = checkAction(where, 'onDelete', o.onDelete, 'RESTRICT');
  const onUpdate = checkAction(where, 'onUpdate', o.onUpdate, 'CASCADE');
  if (!nullable && (onDelete === 'SET NULL' || onUpdate === 'SET NULL')) {
    throw new ModelDefinitionError(`${where}: SET NULL needs a nullable foreign key. Pass { nullable: true } or choose another action.`);
  }
  if (o.relatedName !== undefined && o.relatedName !== false) checkIdentifier('relatedName', o.relatedName, where);
  return {
    name: property,
    column,
    attname: `${property}_id`,
    // Placeholder until the target is bound: the column then takes the target primary key's type.
    type: 'integer',
    jsKind: 'number',
    nullable,
    default: o.default,
    unique: kind === 'oneToOne' || o.unique === true,
    index: o.index === true,
    primaryKey,
    autoincrement: false,
    comment: o.comment,
    secret: false,
    relation: {
      kind,
      relatedName: o.relatedName === undefined ? defaultRelatedName(owner, kind) : o.relatedName,
      onDelete,
      onUpdate,
    },
  };
}

/** Default reverse accessor name: `${owner}s_set` for many-to-one and many-to-many, `${owner}` for one-to-one. */
export function defaultRelatedName(owner: string, kind: 'foreignKey' | 'oneToOne' | 'manyToMany'): string {
  return kind === 'oneToOne' ? owner.toLowerCase() : `${owner.toLowerCase()}s_set`;
}

function manyToManyMeta(raw: Extract<RawField, { kind: 'manyToMany' }>): ManyToManyMeta {
  const { throughTablename, relatedName } = raw.options;
  if (throughTablename !== undefined) checkIdentifier('throughTablename', throughTablename, raw.property);
  return {
    name: raw.property,
    autoThrough: raw.options.through === undefined,
    throughTablename,
    relatedName: relatedName === undefined ? '' : relatedName,
    rawThrough: raw.options.through,
  };
}

function finishPrimaryKey(meta: ModelMeta): void {
  const pks = [...meta.fields.values()].filter((f) => f.primaryKey);
  meta.compositeKey = undefined;
  if (pks.length > 1) {
    // A composite key: `pk` and relations to the model use its first field; instance writes use them all.
    const auto = pks.find((f) => explicitAutoincrement.has(f));
    if (auto) {
      throw new ModelDefinitionError(`${meta.name}.${auto.name}: a composite primary key (${pks.map((f) => f.name).join(', ')}) cannot auto-increment.`);
    }
    for (const f of pks) f.autoincrement = false;
    meta.pkName = pks[0].name;
    meta.compositeKey = pks.map((f) => f.name);
    return;
  }
  if (pks.length === 1) {
    meta.pkName = pks[0].name;
    return;
  }
  if (meta.fields.has('id')) {
    throw new ModelDefinitionError(`${meta.name}.id: a field named "id" must be the primary key. Use @PrimaryKey() on it, or rename it.`);
  }
  const id: FieldMeta = {
    name: 'id', column: 'id', attname: 'id', type: 'integer', jsKind: 'number', nullable: false, unique: false, index: false,
    primaryKey: true, autoincrement: true, secret: false,
  };
  // The automatic key goes first so it leads the table's columns.
  const rest = [...meta.fields.entries()];
  meta.fields = new Map([['id', id], ...rest]);
  meta.columnToField.set('id', id);
  meta.attnames.set('id', id);
  meta.pkName = 'id';
}

function checkFieldList(meta: ModelMeta, option: string, fields: string[]): string[] {
  for (const f of fields) {
    if (!meta.fields.has(f)) {
      throw new ModelDefinitionError(`${meta.name}: ${option} names "${f}", which is not a field of the model (fields: ${[...meta.fields.keys()].join(', ')}).`);
    }
  }
  return [...fields];
}

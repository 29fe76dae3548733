import { ModelDefinitionError } from '../errors';
import type { Registry } from '../registry/registry';
import { hasDesignType, noDesignTypeError } from './compiler-checks';
import { checkArrayElement, checkDbType, checkIdentifier, inferFieldType, jsKindOf } from './field-types';
import { declarationOf } from './inheritance';
import { checkConstraints } from './constraints';
import { ModelSignals } from '../models/signals';
import { FieldOptions, ForeignKeyOptions, ModelOptions, PatternOptions, RawField } from './raw';
import { schemaNameProblem } from '../database/schema-name';
import {
  EMPTY_MAP, indexesPending, MODEL_META_BASE, ownMap, FieldMeta, IndexMeta, ManyToManyMeta, ModelClass, ModelDeclaration, ModelMeta, ModelMetaRecord,
  REFERENTIAL_ACTIONS, ReferentialAction, RelationTarget,
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
export function buildModelMeta(
  model: ModelClass,
  registry: Registry,
  overrides: ModelOptions = {},
  declaration: ModelDeclaration = declarationOf(model),
): BuiltModel {
  // The options are `{ ...own, ...overrides }`, read key by key rather than built: registries of thousands
  // of models, and every copy of them, register each model through here.
  const own = declaration.options;
  const name = optionOf(own, overrides, 'name') ?? model.name;
  if (!name) throw new ModelDefinitionError('A model class needs a name: anonymous classes cannot be registered.');
  const tablePrefix = optionOf(own, overrides, 'tablePrefix') ?? declaration.tablePrefix;
  const database = optionOf(own, overrides, 'database') ?? declaration.database ?? 'default';
  if (database !== 'default' && !(database in registry.extra)) {
    const known = ['default', ...Object.keys(registry.extra)].join(', ');
    throw new ModelDefinitionError(`${name}: database "${database}" is not an alias of its registry (known: ${known}). Add it to the registry's extra option.`);
  }
  const base = optionOf(own, overrides, 'tablename') ?? `${name.toLowerCase()}s`;
  const tablename = tablePrefix ? `${tablePrefix}_${base}` : base;
  checkIdentifier('table name', tablename, name);
  const schema = optionOf(own, overrides, 'schema');
  const schemaProblem = schema === undefined ? undefined : schemaNameProblem(schema);
  if (schemaProblem) throw new ModelDefinitionError(`${name}: schema option: ${schemaProblem}.`);
  const pattern = optionOf(own, overrides, 'pattern');
  if (pattern !== undefined) {
    checkPattern(name, pattern);
    const unknown = (pattern.databases ?? []).find((alias) => alias !== 'default' && !(alias in registry.extra));
    if (unknown !== undefined) {
      throw new ModelDefinitionError(`${name}: pattern database "${unknown}" is not an alias of its registry (known: ${['default', ...Object.keys(registry.extra)].join(', ')}).`);
    }
  }

  const raws = declaration.fields;
  const autoKey = needsAutomaticKey(raws);
  const meta = ({
    // `columnToField` and `attnames` come from this prototype, built from `fields` on first read.
    __proto__: MODEL_META_BASE,
    name,
    model,
    registry,
    tablename,
    tablePrefix,
    database,
    abstract: optionOf(own, overrides, 'abstract') === true,
    reflect: optionOf(own, overrides, 'reflect') ?? (pattern === undefined && declaration.reflected),
    schema,
    pattern,
    isThrough: false,
    fields: new Map(),
    pkName: 'id',
    compositeKey: undefined,
    manyToMany: EMPTY_MAP as unknown as ModelMeta['manyToMany'],
    reverse: EMPTY_MAP as unknown as ModelMeta['reverse'],
    hiddenReverse: EMPTY_MAP as unknown as ModelMeta['hiddenReverse'],
    uniqueTogether: NO_LIST as unknown as string[][],
    indexes: NO_LIST as unknown as IndexMeta[],
    constraints: NO_LIST as unknown as ModelMeta['constraints'],
    comment: optionOf(own, overrides, 'comment'),
    columnIndex: undefined,
    attnameIndex: undefined,
    signals: new ModelSignals(name),
    managers: EMPTY_MAP as unknown as ModelMeta['managers'],
    declaration,
    accessorsFrom: undefined,
  } satisfies Omit<ModelMetaRecord, 'columnToField' | 'attnames'> & { __proto__: object }) as unknown as ModelMetaRecord;
  if (autoKey) {
    // The automatic key goes first so it leads the table's columns.
    meta.fields.set('id', automaticKey());
  }

  const relations: PendingRelation[] = [];
  for (const raw of raws) {
    if (raw.kind === 'field') {
      if (raw.designType === undefined && raw.options.type === undefined && raw.options.choices === undefined && raw.options.dbType === undefined && !hasDesignType(model, raw.property)) {
        // Not a union or a cycle (those leave an entry whose value is undefined): no metadata was emitted.
        throw noDesignTypeError(model, name, raw.property, raws);
      }
      addField(meta, buildField(name, raw.property, raw.options, raw.designType));
    } else if (raw.kind === 'manyToMany') {
      ownMap(meta, 'manyToMany').set(raw.property, manyToManyMeta(raw));
      relations.push(raw);
    } else {
      addField(meta, foreignKeyField(name, raw.property, raw.kind, raw.options));
      relations.push(raw);
    }
  }
  if (!autoKey) finishPrimaryKey(meta);
  const uniqueTogether = optionOf(own, overrides, 'uniqueTogether');
  meta.uniqueTogether = uniqueTogether ? uniqueTogether.map((entry) => checkFieldList(meta, 'uniqueTogether', Array.isArray(entry) ? entry : [entry])) : [];
  const indexes = optionOf(own, overrides, 'indexes');
  meta.indexes = indexes ? indexes.map((index): IndexMeta => ({ ...index, fields: checkFieldList(meta, 'indexes', index.fields) })) : [];
  meta.constraints = checkConstraints(meta, optionOf(own, overrides, 'constraints'));
  return { meta, relations };
}

/** Placeholder of a list the builder fills in before returning the metadata. */
const NO_LIST: readonly never[] = Object.freeze([]);

/**
 * `options[key]` of `{ ...own, ...overrides }` (an override given as `undefined` still wins), without
 * building that object.
 */
function optionOf<K extends keyof ModelOptions>(own: ModelOptions | undefined, overrides: ModelOptions, key: K): ModelOptions[K] {
  if (Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key];
  return own !== undefined && Object.prototype.hasOwnProperty.call(own, key) ? own[key] : undefined;
}

/**
 * Whether the model gets the automatic `id` key: no declared field is (part of) the primary key, and none
 * is named `id` or takes the `id` column (those cases are settled, or refused, by `finishPrimaryKey`).
 */
function needsAutomaticKey(raws: readonly RawField[]): boolean {
  for (const raw of raws) {
    if (raw.kind === 'manyToMany') continue;
    if (raw.property === 'id' || raw.options.primaryKey === true) return false;
    const column = raw.options.column ?? (raw.kind === 'field' ? raw.property : `${raw.property}_id`);
    if (column === 'id') return false;
  }
  return true;
}

/** The automatic `id` primary key. */
function automaticKey(): FieldMeta {
  return {
    name: 'id', column: 'id', attname: 'id', type: 'integer', jsKind: 'number', nullable: false, unique: false, index: false,
    primaryKey: true, autoincrement: true, secret: false,
  };
}

/** `found` when it is a different field than `field`. */
const otherField = (found: FieldMeta | undefined, field: FieldMeta): FieldMeta | undefined => (found && found.name !== field.name ? found : undefined);

/** Adds a field, refusing column clashes. */
export function addField(meta: ModelMeta, field: FieldMeta): void {
  // A model whose field indexes are not built yet is checked against its fields directly (and the indexes,
  // built later from the fields, include this one); a large model builds them first.
  const scan = meta.fields.size <= 16 && indexesPending(meta);
  const clash = scan ? firstField(meta, 'column', field.column) : meta.columnToField.get(field.column);
  if (clash && clash.name !== field.name) {
    throw new ModelDefinitionError(`${meta.name}.${field.name}: column "${field.column}" is already used by ${meta.name}.${clash.name}. Pass a different { column }.`);
  }
  const attClash =
    otherField(byAttname(meta, scan, field.attname), field) ?? otherField(meta.fields.get(field.attname), field) ?? otherField(byAttname(meta, scan, field.name), field);
  if (attClash) {
    throw new ModelDefinitionError(`${meta.name}.${field.name} clashes with ${meta.name}.${attClash.name} (a foreign key keeps its value in "<name>_id"). Rename one of them.`);
  }
  if (meta.manyToMany.has(field.name)) {
    throw new ModelDefinitionError(`${meta.name}.${field.name} is declared twice.`);
  }
  if (scan) {
    meta.fields.set(field.name, field);
    return;
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

/** `meta.attnames.get(attname)`, or the same found among the fields while the index is not built. */
function byAttname(meta: ModelMeta, scan: boolean, attname: string): FieldMeta | undefined {
  return scan ? firstField(meta, 'attname', attname) : meta.attnames.get(attname);
}

/** The first field (in field order) whose `column` or `attname` is `value`: what that index holds once built. */
function firstField(meta: ModelMeta, key: 'column' | 'attname', value: string): FieldMeta | undefined {
  for (const f of meta.fields.values()) if (f[key] === value) return f;
  return undefined;
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
  // A raw dbType without a type is a text field: its values pass as the driver gives them, whatever the property's TS type.
  const dbType = o.dbType === undefined ? undefined : checkDbType(where, o.dbType);
  const type = dbType !== undefined && o.type === undefined && o.choices === undefined ? 'text' : inferFieldType(owner, property, designType, o.type, o.choices !== undefined);
  const of = checkArrayElement(where, type, o.of);
  if (o.generated !== undefined && (typeof o.generated !== 'string' || !o.generated.trim() || /;|--|\/\*/.test(o.generated))) {
    throw new ModelDefinitionError(`${where}: generated must be the column's SQL expression (e.g. "to_tsvector('english', title)"), without ";" or comments.`);
  }
  if (o.generated !== undefined && (o.primaryKey === true || o.default !== undefined)) {
    throw new ModelDefinitionError(`${where}: a generated column is computed by the database: it takes no default and cannot be the primary key.`);
  }
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
    maxLength: type === 'string' || of === 'string' ? o.maxLength ?? 255 : o.maxLength,
    precision: o.precision,
    scale: o.scale,
    choices: o.choices,
    primaryKey,
    autoincrement: primaryKey && integer && (o.autoincrement ?? o.default === undefined),
    comment: o.comment,
    secret: o.secret === true,
  };
  if (o.timezone === false) field.timezone = false;
  if (dbType !== undefined) field.dbType = dbType;
  if (of !== undefined) field.of = of;
  if (o.generated !== undefined) {
    field.generated = o.generated.trim();
    // The database fills it on insert: leaving it out is never a "may not be null".
    field.serverDefault = true;
  }
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
  const attname = `${property}_id`;
  const column = o.column ?? attname;
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
    attname,
    // Placeholders until the target is bound: the column then takes the target primary key's type.
    type: 'integer',
    jsKind: 'number',
    nullable,
    default: o.default,
    unique: kind === 'oneToOne' || o.unique === true,
    // Foreign keys are indexed unless opted out (table-definition.ts leaves out the ones another index covers).
    index: o.index !== false,
    maxLength: undefined,
    precision: undefined,
    scale: undefined,
    primaryKey,
    autoincrement: false,
    comment: o.comment,
    secret: false,
    // Every key up front (the target ones are set when it is bound): one shape, no out-of-object properties.
    relation: {
      kind,
      targetName: undefined,
      target: undefined,
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
  // Every key up front (the others are set when it is bound): one shape, no out-of-object properties.
  return {
    name: raw.property,
    targetName: undefined,
    target: undefined,
    through: undefined,
    autoThrough: raw.options.through === undefined,
    throughTablename,
    ownerField: undefined,
    targetField: undefined,
    relatedName: relatedName === undefined ? '' : relatedName,
    rawThrough: raw.options.through,
  };
}

function finishPrimaryKey(meta: ModelMeta): void {
  const pks: FieldMeta[] = [];
  for (const f of meta.fields.values()) if (f.primaryKey) pks.push(f);
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
  // Only reached when a declared field takes the `id` column (else the builder adds the key up front).
  const id = automaticKey();
  // The automatic key goes first so it leads the table's columns.
  const rest = [...meta.fields.entries()];
  meta.fields = new Map([['id', id], ...rest]);
  if (!indexesPending(meta)) {
    meta.columnToField.set('id', id);
    meta.attnames.set('id', id);
  }
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

import { ModelDefinitionError } from '../errors';
import { checkArrayElement, checkDbType, checkIdentifier, inferFieldType, jsKindOf } from './field-types';
import type { FieldOptions, RawField } from './raw';
import { copyColumnSpec } from './column-spec';
import { autoNowOf } from './auto-now';
import { indexesPending } from './types';
import type { FieldMeta, ModelMeta } from './types';

/**
 * Whether the model gets the automatic `id` key: no declared field is (part of) the primary key, and none
 * is named `id` or takes the `id` column (those cases are settled, or refused, by `finishPrimaryKey`).
 */
export function needsAutomaticKey(raws: readonly RawField[]): boolean {
  for (const raw of raws) {
    if (raw.kind === 'manyToMany') continue;
    if (raw.property === 'id' || raw.options.primaryKey === true) return false;
    const column = raw.options.column ?? (raw.kind === 'field' ? raw.property : `${raw.property}_id`);
    if (column === 'id') return false;
  }
  return true;
}

/** The automatic `id` primary key. */
export function automaticKey(): FieldMeta {
  return {
    name: 'id',
    column: 'id',
    attname: 'id',
    type: 'integer',
    jsKind: 'number',
    nullable: false,
    unique: false,
    index: false,
    primaryKey: true,
    autoincrement: true,
    secret: false,
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
    throw new ModelDefinitionError(
      `${meta.name}.${field.name}: column "${field.column}" is already used by ${meta.name}.${clash.name}. Pass a different { column }.`,
    );
  }
  const attClash =
    otherField(byAttname(meta, scan, field.attname), field) ??
    otherField(meta.fields.get(field.attname), field) ??
    otherField(byAttname(meta, scan, field.name), field);
  if (attClash) {
    throw new ModelDefinitionError(
      `${meta.name}.${field.name} clashes with ${meta.name}.${attClash.name} (a foreign key keeps its value in "<name>_id"). Rename one of them.`,
    );
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

/** A plain field (`@Field`, `@PrimaryKey`) built from its options; mistakes throw `ModelDefinitionError`. */
export function buildField(owner: string, property: string, o: FieldOptions, designType: unknown): FieldMeta {
  const where = `${owner}.${property}`;
  // A raw dbType without a type is a text field: its values pass as the driver gives them, whatever the property's TS type.
  const dbType = o.dbType === undefined ? undefined : checkDbType(where, o.dbType);
  const type =
    dbType !== undefined && o.type === undefined && o.choices === undefined
      ? 'text'
      : inferFieldType(owner, property, designType, o.type, o.choices !== undefined);
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
    // What the options give as they are (precision, scale, choices, comment, timezone…); the rest is settled here.
    ...copyColumnSpec(o),
    name: property,
    column,
    attname: property,
    type,
    jsKind: jsKindOf(designType, type),
    nullable: primaryKey ? false : o.nullable === true,
    unique: o.unique === true,
    index: o.index === true,
    maxLength: type === 'string' || of === 'string' ? (o.maxLength ?? 255) : o.maxLength,
    primaryKey,
    autoincrement: primaryKey && integer && (o.autoincrement ?? o.default === undefined),
    // Only `timezone: false` says something (a datetime keeps its time zone by default).
    timezone: o.timezone === false ? false : undefined,
    dbType,
    of,
    generated: o.generated?.trim(),
    secret: o.secret === true,
    autoNow: autoNowOf(where, type, o),
  };
  // The database fills a generated column on insert: leaving it out is never a "may not be null".
  if (o.generated !== undefined) field.serverDefault = true;
  if (o.autoincrement === true) explicitAutoincrement.add(field);
  return field;
}

/** Key fields declared with `autoincrement: true` (a composite key refuses them; an implicit one is turned off). */
const explicitAutoincrement = new WeakSet<FieldMeta>();

/** Settles the primary key once every field is in: one key, a composite key, or the automatic `id` first. */
export function finishPrimaryKey(meta: ModelMeta): void {
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

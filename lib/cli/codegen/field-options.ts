import { liveTypeName } from '../../dialects/introspection';
import type { Dialect } from '../../dialects';
import type { ColumnDefinition } from '../../metadata/table-definition';
import type { FieldType } from '../../metadata/types';
import { lit } from './names';
import type { PlainField } from './plan-types';

/** What code generation asks of the dialect the tables were read from. */
export type CodegenDialect = Pick<Dialect, 'columnTypeMatches'>;

const TS_TYPES: Record<FieldType, string> = {
  smallint: 'number',
  integer: 'number',
  bigint: 'number',
  float: 'number',
  decimal: 'string',
  string: 'string',
  text: 'string',
  boolean: 'boolean',
  date: 'Date',
  datetime: 'Date',
  time: 'string',
  json: 'unknown',
  uuid: 'string',
  binary: 'Buffer',
  enum: 'string',
  array: 'unknown[]',
};

/** Raw types the driver hands back as objects rather than text (PostgreSQL's interval and geometric types). */
const OBJECT_TYPES = /^(interval|point|line|lseg|box|path|polygon|circle)\b/i;

/**
 * The options of a plain column's `@Field` / `@PrimaryKey`, and whether keelson's DDL for them gives the live
 * type on `dialect` (unknown without one).
 */
export function plainFieldOptions(f: PlainField, dialect: CodegenDialect | undefined): { options: string; matches?: boolean; tsType: string } {
  const c = f.column;
  const parts: string[] = [];
  let type: FieldType = c.type;
  const choices = c.choices?.length ? c.choices : undefined;
  if (type === 'enum' && !choices) type = 'string';
  const integer = type === 'integer' || type === 'bigint';
  const of = type === 'array' ? (c.of ?? 'text') : undefined;
  const sized = type === 'string' || of === 'string';
  const maxLength = c.maxLength && c.maxLength > 0 ? c.maxLength : 255;
  // What the model will declare, as DDL sees it (see builder.ts and table-definition.ts).
  const definition: ColumnDefinition = {
    name: c.name,
    type,
    nullable: !f.primaryKey && c.nullable,
    primaryKey: f.primaryKey,
    autoincrement: f.primaryKey && integer && c.autoincrement && !f.compositeKey,
    unique: false,
    index: false,
    ...(sized ? { maxLength } : {}),
    ...(type === 'decimal' || of === 'decimal' ? { precision: c.precision, scale: c.scale } : {}),
    ...(of ? { of } : {}),
    ...(c.generated !== undefined ? { generated: c.generated } : {}),
    ...(type === 'datetime' && c.timezone === false ? { timezone: false } : {}),
    ...(type === 'enum' ? { choices } : {}),
  };
  // A datetime's fractional digits, when the dialect's default for the field would not give them.
  if (type === 'datetime' && c.precision !== undefined && !(dialect && dialect.columnTypeMatches(definition, c))) definition.precision = c.precision;
  // A type no field options give (a domain, an enum type, tsvector, mediumint, a declared type SQLite does not
  // know…) is named as the catalog spells it: the column is then created with it and compared by it.
  if (c.custom || (dialect && !dialect.columnTypeMatches(definition, c))) definition.dbType = liveTypeName(c);
  // With a dbType, a text field says nothing more: dbType alone is one.
  const writeType = !(definition.dbType !== undefined && type === 'text');

  if (f.property !== c.name) parts.push(`column: ${lit(c.name)}`);
  if (writeType) parts.push(`type: ${lit(type)}`);
  if (of) parts.push(`of: ${lit(of)}`);
  if (sized) parts.push(`maxLength: ${maxLength}`);
  if (type === 'enum') parts.push(`choices: ${JSON.stringify(choices).replace(/","/g, '", "')}`);
  if (definition.dbType !== undefined) parts.push(`dbType: ${lit(definition.dbType)}`);
  if (c.generated !== undefined) parts.push(`generated: ${lit(c.generated)}`);
  if (type === 'decimal' || of === 'decimal') {
    if (c.precision !== undefined) parts.push(`precision: ${c.precision}`);
    if (c.scale !== undefined) parts.push(`scale: ${c.scale}`);
  }
  if (type === 'datetime') {
    if (definition.precision !== undefined) parts.push(`precision: ${definition.precision}`);
    if (definition.timezone === false) parts.push('timezone: false');
  }
  if (f.primaryKey) {
    if (integer && !c.autoincrement) parts.push('autoincrement: false');
  } else {
    if (c.nullable) parts.push('nullable: true');
    if (c.unique) parts.push('unique: true');
    if (f.index) parts.push('index: true');
  }
  if (c.default !== undefined && !(f.primaryKey && c.autoincrement) && c.generated === undefined) parts.push(`default: ${lit(c.default)}`);
  return { options: parts.join(', '), matches: dialect ? dialect.columnTypeMatches(definition, c) : undefined, tsType: tsTypeOf(type, definition) };
}

/** The property's TypeScript type: an enum's choices as a union, an array's element type followed by `[]`. */
export function tsTypeOf(type: FieldType, c: ColumnDefinition): string {
  if (type === 'enum' && c.choices?.length) return c.choices.map((choice) => lit(String(choice))).join(' | ');
  if (type === 'array') return `${TS_TYPES[c.of ?? 'text']}[]`;
  if (type === 'text' && c.dbType !== undefined && OBJECT_TYPES.test(c.dbType)) return 'unknown';
  return TS_TYPES[type];
}

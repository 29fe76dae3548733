import { ModelDefinitionError } from '../errors';
import { isIdentifier } from './identifier';
import { FIELD_TYPES, FieldType, JsKind } from './types';

const TYPE_LIST = [...FIELD_TYPES].join(', ');

/** Infers a column type from `design:type`, or explains how to declare it. */
export function inferFieldType(owner: string, property: string, designType: unknown, explicit?: FieldType, hasChoices = false): FieldType {
  if (explicit !== undefined) {
    if (!FIELD_TYPES.has(explicit)) {
      throw new ModelDefinitionError(`${owner}.${property}: unknown field type "${String(explicit)}". Use one of: ${TYPE_LIST}.`);
    }
    return explicit;
  }
  if (hasChoices) return 'enum';
  switch (designType) {
    case String:
      return 'string';
    case Number:
      return 'integer';
    case Boolean:
      return 'boolean';
    case Date:
      return 'datetime';
    case Buffer:
      return 'binary';
    case BigInt:
      return 'bigint';
  }
  const seen =
    designType === undefined
      ? 'no runtime type (a union type, or a class imported in a cycle)'
      : `the runtime type ${(designType as { name?: string }).name ?? String(designType)}`;
  const hint = designType === Array || designType === Object ? `{ type: 'json' }` : `{ type: '…' }`;
  throw new ModelDefinitionError(
    `${owner}.${property}: cannot infer a column type from ${seen}. ` +
      `Fix: pass ${hint} to @Field (one of: ${TYPE_LIST}); for a relation use @ForeignKey('Model') or a thunk.`,
  );
}

/** How a property wants its values: decides how int8/numeric/date driver values are converted. */
export function jsKindOf(designType: unknown, type: FieldType): JsKind {
  switch (designType) {
    case Number:
      return 'number';
    case String:
      return 'string';
    case BigInt:
      return 'bigint';
    case Date:
      return 'date';
  }
  if (type === 'decimal') return 'string';
  if (type === 'smallint' || type === 'integer' || type === 'bigint' || type === 'float') return 'number';
  return 'other';
}

/** Table and column names must be plain identifiers: they are never taken from user input at query time. */
export function checkIdentifier(what: string, name: string, where: string): void {
  if (!isIdentifier(name)) {
    throw new ModelDefinitionError(`${where}: ${what} "${String(name)}" is not a valid identifier (letters, digits and _, at most 63 characters).`);
  }
}

/**
 * One token of a column type expression: a word or number, a double-quoted identifier, a single-quoted string
 * (MySQL's `set('a','b')`), or one of `.` `(` `)` `,` `[` `]`, each with the spaces around it.
 */
const TYPE_TOKEN = /\s*(?:[A-Za-z_][A-Za-z0-9_$]*|\d+|"(?:[^"]|"")+"|'(?:[^'\\]|'')*'|[.(),[\]])\s*/y;

/**
 * Checks a `dbType` option: a column type expression as DDL writes it (`tsvector`, `varchar(20)[]`,
 * `public."My Type"`, `set('a','b')`, `timestamp(3) with time zone`), never arbitrary SQL: no `;`, no comments,
 * balanced parentheses. The type is pasted into CREATE TABLE as written, so this is what keeps it a type.
 */
export function checkDbType(where: string, dbType: unknown): string {
  const fail = (why: string) =>
    new ModelDefinitionError(
      `${where}: dbType ${JSON.stringify(dbType)} ${why}. Write a column type as DDL spells it, e.g. 'tsvector', 'varchar(20)[]' or 'public."My Type"'.`,
    );
  if (typeof dbType !== 'string' || !dbType.trim()) throw fail('must be a non-empty string');
  if (/;|--|\/\*/.test(dbType)) throw fail('is not a type expression: ";" and comments are not allowed');
  let depth = 0;
  TYPE_TOKEN.lastIndex = 0;
  while (TYPE_TOKEN.lastIndex < dbType.length) {
    const start = TYPE_TOKEN.lastIndex;
    const m = TYPE_TOKEN.exec(dbType);
    if (!m) throw fail(`is not a type expression: unexpected ${JSON.stringify(dbType.slice(start, start + 10))}`);
    const token = m[0].trim();
    if (token === '(') depth++;
    if (token === ')' && --depth < 0) throw fail('has an unbalanced ")"');
  }
  if (depth !== 0) throw fail('has an unclosed "("');
  return dbType.trim();
}

/** Element types an `array` field may have: scalar field types (no enum, no nested array). */
const ARRAY_ELEMENTS: ReadonlySet<FieldType> = new Set<FieldType>([
  'smallint',
  'integer',
  'bigint',
  'float',
  'decimal',
  'string',
  'text',
  'boolean',
  'date',
  'datetime',
  'time',
  'json',
  'uuid',
  'binary',
]);

/** Checks the `of` option against the field's type: required by `array`, refused elsewhere. */
export function checkArrayElement(where: string, type: FieldType, of: unknown): FieldType | undefined {
  if (type !== 'array') {
    if (of !== undefined)
      throw new ModelDefinitionError(`${where}: of applies to type 'array' only, not ${type}. Pass { type: 'array', of: ${JSON.stringify(of)} }.`);
    return undefined;
  }
  if (of === undefined)
    throw new ModelDefinitionError(
      `${where}: an array field needs its element type: { type: 'array', of: 'text' } (one of: ${[...ARRAY_ELEMENTS].join(', ')}).`,
    );
  if (!ARRAY_ELEMENTS.has(of as FieldType)) {
    throw new ModelDefinitionError(`${where}: arrays of ${JSON.stringify(of)} are not supported; of must be one of: ${[...ARRAY_ELEMENTS].join(', ')}.`);
  }
  return of as FieldType;
}

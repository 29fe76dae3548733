import { ModelDefinitionError } from '../errors';
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
  if (type === 'integer' || type === 'bigint' || type === 'float') return 'number';
  return 'other';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Table and column names must be plain identifiers: they are never taken from user input at query time. */
export function checkIdentifier(what: string, name: string, where: string): void {
  if (typeof name !== 'string' || !IDENTIFIER.test(name) || name.length > 63) {
    throw new ModelDefinitionError(
      `${where}: ${what} "${String(name)}" is not a valid identifier (letters, digits and _, at most 63 characters).`,
    );
  }
}

import { ModelDefinitionError } from '../errors';
import type { FieldOptions } from './raw';
import type { FieldType } from './types';

/** Field types whose value keelson can set to "now". */
const TIME_TYPES: ReadonlySet<FieldType> = new Set<FieldType>(['date', 'datetime']);

/**
 * Checks a field's `autoNow` / `autoNowAdd` options and says when keelson sets it: `'insert'`, `'always'`, or
 * undefined. Each is a plain option: the column, its DDL and migrations do not change.
 */
export function autoNowOf(where: string, type: FieldType, o: FieldOptions): 'insert' | 'always' | undefined {
  const { autoNow, autoNowAdd } = o;
  if (autoNow === undefined && autoNowAdd === undefined) return undefined;
  for (const [name, value] of [
    ['autoNow', autoNow],
    ['autoNowAdd', autoNowAdd],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw new ModelDefinitionError(`${where}: ${name} takes true or false, got ${String(value)}.`);
  }
  if (!autoNow && !autoNowAdd) return undefined;
  const name = autoNow ? 'autoNow' : 'autoNowAdd';
  if (autoNow && autoNowAdd) {
    throw new ModelDefinitionError(`${where}: autoNow and autoNowAdd exclude each other: autoNow (set on every write) already sets it on insert. Keep one.`);
  }
  if (!TIME_TYPES.has(type)) {
    throw new ModelDefinitionError(`${where}: ${name} needs a date or datetime field, not ${type}. Pass { type: 'datetime' } or drop ${name}.`);
  }
  if (o.default !== undefined) {
    throw new ModelDefinitionError(`${where}: ${name} sets the value itself, so it takes no default. Drop one of them.`);
  }
  if (o.primaryKey === true || o.generated !== undefined) {
    throw new ModelDefinitionError(`${where}: ${name} cannot be set on ${o.primaryKey === true ? 'the primary key' : 'a generated column'}.`);
  }
  return autoNow ? 'always' : 'insert';
}

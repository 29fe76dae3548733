import { ModelDefinitionError } from '../errors';
import type { ModelOptions, PatternOptions } from './raw';
import type { ModelMeta } from './types';

/**
 * `options[key]` of `{ ...own, ...overrides }` (an override given as `undefined` still wins), without
 * building that object.
 */
export function optionOf<K extends keyof ModelOptions>(own: ModelOptions | undefined, overrides: ModelOptions, key: K): ModelOptions[K] {
  if (Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key];
  return own !== undefined && Object.prototype.hasOwnProperty.call(own, key) ? own[key] : undefined;
}

/** Checks the `pattern` option of a pattern model (regexes, template, databases, schemes). */
export function checkPattern(name: string, pattern: PatternOptions): void {
  const where = `${name}: the pattern option`;
  if (!pattern || !(pattern.include instanceof RegExp)) throw new ModelDefinitionError(`${where} needs include: a RegExp matching table names.`);
  if (pattern.exclude !== undefined && !(pattern.exclude instanceof RegExp)) throw new ModelDefinitionError(`${where}: exclude must be a RegExp.`);
  if (pattern.template !== undefined && typeof pattern.template !== 'function')
    throw new ModelDefinitionError(`${where}: template must be a function (tableName) => modelName.`);
  if (pattern.databases !== undefined && (!Array.isArray(pattern.databases) || pattern.databases.some((d) => typeof d !== 'string'))) {
    throw new ModelDefinitionError(`${where}: databases must be an array of database aliases.`);
  }
  if (pattern.schemes !== undefined && (!Array.isArray(pattern.schemes) || pattern.schemes.some((s) => s !== null && typeof s !== 'string'))) {
    throw new ModelDefinitionError(`${where}: schemes must be an array of schema names (null for the default).`);
  }
}

/** Checks that every name of a `uniqueTogether` / `indexes` entry is a field of the model; returns a copy. */
export function checkFieldList(meta: ModelMeta, option: string, fields: string[]): string[] {
  for (const f of fields) {
    if (!meta.fields.has(f)) {
      throw new ModelDefinitionError(
        `${meta.name}: ${option} names "${f}", which is not a field of the model (fields: ${[...meta.fields.keys()].join(', ')}).`,
      );
    }
  }
  return [...fields];
}

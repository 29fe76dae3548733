import { LookupError } from '../errors';
import type { ModelClass } from '../metadata/types';
import { closestNames, orList } from './suggest';

/** `record[key]` when it is the record's own entry (never `Object.prototype`'s `constructor` and the like). */
export const ownEntry = <V>(record: Record<string, V>, key: string): V | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** The collections `getModel` searched, and the content type model it also answers for. */
export interface ModelCollections {
  models: Record<string, ModelClass>;
  reflected: Record<string, ModelClass>;
  patternModels: Record<string, ModelClass>;
  contentType?: ModelClass;
}

/** `getModel`'s error: the spec's sentence, then the closest names, or a hint when there are no models. */
export function unknownModel(registry: ModelCollections, name: string, includeReflected: boolean, includePattern: boolean): LookupError {
  const message = `Registry doesn't have a ${name} model.`;
  const { models, reflected, patternModels, contentType } = registry;
  if ([models, reflected, patternModels].every((c) => Object.keys(c).length === 0) && !contentType) {
    return new LookupError(`${message} It has no models: were the model files imported before getModel was called?`);
  }
  const names = [...Object.keys(models), ...(includeReflected ? Object.keys(reflected) : []), ...(includePattern ? Object.keys(patternModels) : [])];
  if (contentType) names.push(contentType.meta.name);
  const close = closestNames(String(name), names);
  return new LookupError(close.length ? `${message} Did you mean ${orList(close)}?` : message);
}

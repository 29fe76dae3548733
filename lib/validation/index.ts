import { ValidationError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { PERSISTED } from '../models/state';
import { checkerFor, runChecks, selectChecks } from './builtin';
import { classValidatorErrors, hasClassValidators } from './class-validator';
import { settle, type Maybe } from '../maybe';

export { hasClassValidators } from './class-validator';

/** Options of `validateInstance` / `validateMany`. */
export interface ValidateOptions {
  /** Check only these fields (an update of some fields); omitted = every field. */
  fields?: readonly FieldMeta[];
  /** The row is new; omitted = inferred per instance (new unless it was loaded or saved). */
  insert?: boolean;
}

const isNew = (instance: BaseModel): boolean => (instance as unknown as { [PERSISTED]?: boolean })[PERSISTED] !== true;

function namesOf(fields: readonly FieldMeta[] | undefined): ReadonlySet<string> | undefined {
  return fields ? new Set(fields.map((f) => f.name)) : undefined;
}

function merge(out: Record<string, string[]> | undefined, extra: Record<string, string[]>, index: number): Record<string, string[]> {
  out ??= {};
  for (const property of Object.keys(extra)) {
    const key = index < 0 ? property : `[${index}].${property}`;
    (out[key] ??= []).push(...extra[property]);
  }
  return out;
}

/**
 * Checks one instance before a write; throws ValidationError (per-field messages) and writes nothing.
 * `fields` limits the checks to those fields (an update of some fields); omitted = every field (an insert).
 * `insert` true means the row is new: a missing non-nullable value is an error unless the field is the
 * auto-increment key or has a default.
 */
export function validateInstance(instance: BaseModel, meta: ModelMeta, options?: ValidateOptions): Promise<void> {
  return settle(() => validateInstanceNow(instance, meta, options));
}

/**
 * `validateInstance()`, done now when the model has no class-validator decorators (those validate
 * asynchronously): returns nothing or throws; otherwise a promise.
 */
export function validateInstanceNow(instance: BaseModel, meta: ModelMeta, options?: ValidateOptions): Maybe<void> {
  const fields = options?.fields;
  const insert = options?.insert ?? isNew(instance);
  const errors = runChecks(instance, selectChecks(checkerFor(meta), fields), insert, -1, undefined);
  if (!hasClassValidators(meta.model)) {
    if (errors) throw new ValidationError(meta.name, errors);
    return;
  }
  return classValidatorErrors(instance, namesOf(fields)).then((extra) => {
    const all = extra ? merge(errors, extra, -1) : errors;
    if (all) throw new ValidationError(meta.name, all);
  });
}

/**
 * Checks many instances (bulkCreate / bulkUpdate); collects every error, keyed `[index].property`,
 * into ONE ValidationError thrown before anything is written.
 */
export function validateMany(instances: readonly BaseModel[], meta: ModelMeta, options?: ValidateOptions): Promise<void> {
  return settle(() => validateManyNow(instances, meta, options));
}

/**
 * `validateMany()`, done now when the model has no class-validator decorators: returns nothing or throws;
 * otherwise a promise.
 */
export function validateManyNow(instances: readonly BaseModel[], meta: ModelMeta, options?: ValidateOptions): Maybe<void> {
  if (instances.length === 0) return;
  if (!hasClassValidators(meta.model)) return collectErrors(instances, meta, options, undefined);
  const names = namesOf(options?.fields);
  return Promise.all(instances.map((instance) => classValidatorErrors(instance, names))).then((extras) => collectErrors(instances, meta, options, extras));
}

/** Runs keelson's checks on every instance, merges class-validator's errors (`extras`, by index) and throws one ValidationError for all. */
function collectErrors(
  instances: readonly BaseModel[],
  meta: ModelMeta,
  options: ValidateOptions | undefined,
  extras: readonly (Record<string, string[]> | undefined)[] | undefined,
): void {
  const insert = options?.insert;
  const checks = selectChecks(checkerFor(meta), options?.fields);
  let errors: Record<string, string[]> | undefined;
  for (let i = 0; i < instances.length; i++) {
    const instance = instances[i];
    errors = runChecks(instance, checks, insert ?? isNew(instance), i, errors);
    const extra = extras?.[i];
    if (extra) errors = merge(errors, extra, i);
  }
  if (errors) throw new ValidationError(meta.name, errors);
}

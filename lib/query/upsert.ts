import type { ConflictAction } from '../dialects/dialect';
import { QueryError } from '../errors';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { readAttribute } from '../models/state';
import { valueKey } from '../dialects/common';
import type { WritableKey } from './typed-keys';

/** Options of `bulkCreate()`. */
export interface BulkCreateOptions<T = BaseModel> {
  /** Rows per INSERT; capped by the dialect's bound-parameter limit. */
  batchSize?: number;
  /** Skip rows that duplicate a unique key of an existing row (or of an earlier row); other errors still fail. */
  ignoreConflicts?: boolean;
  /** Upsert: a row whose `uniqueFields` match an existing row's updates that row's `updateFields` instead. */
  updateConflicts?: boolean;
  /** With `updateConflicts`: the fields of a unique constraint, unique field or primary key of the model. */
  uniqueFields?: readonly WritableKey<T>[];
  /** With `updateConflicts`: the fields an existing row takes from the conflicting one (neither the key nor a unique field). */
  updateFields?: readonly WritableKey<T>[];
}

/** A checked conflict option of `bulkCreate()`: the dialect's action, and the fields whose values must not repeat among the rows. */
export interface ConflictPlan {
  action: ConflictAction;
  unique: readonly FieldMeta[];
}

const OPTION_KEYS = new Set(['batchSize', 'ignoreConflicts', 'updateConflicts', 'uniqueFields', 'updateFields']);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Field-name sets of every unique key a conflict can be detected on: the primary key, unique fields, uniqueTogether, unique indexes and full (not partial) unique constraints. */
function uniqueKeys(meta: ModelMeta): string[][] {
  const keys: string[][] = [meta.compositeKey ?? [meta.pkName]];
  for (const field of meta.fields.values()) if (field.unique) keys.push([field.name]);
  keys.push(...meta.uniqueTogether, ...meta.indexes.filter((i) => i.unique).map((i) => i.fields));
  for (const c of meta.constraints) if ('unique' in c && !c.condition) keys.push(c.unique);
  return keys;
}

/** The fields `names` name (field names, `_id` names, `pk`), checked: a QueryError names the unknown one and the model's fields. */
function fieldsOf(meta: ModelMeta, option: string, names: unknown): FieldMeta[] {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new QueryError(`bulkCreate(): ${option} must be a list of field names.`);
  const fields = names.map((name: string) => {
    const field = meta.fields.get(name === 'pk' ? meta.pkName : name) ?? meta.attnames.get(name);
    if (!field)
      throw new QueryError(`bulkCreate(): ${option} names "${name}", which is not a field of ${meta.name} (fields: ${[...meta.fields.keys()].join(', ')}).`);
    return field;
  });
  if (new Set(fields).size !== fields.length) throw new QueryError(`bulkCreate(): ${option} names a field twice.`);
  return fields;
}

/** The update columns of an upsert, checked against its unique fields: never the key, a unique field or a generated column. */
function updateFieldsOf(meta: ModelMeta, names: unknown, unique: readonly FieldMeta[]): FieldMeta[] {
  if (names === undefined || (Array.isArray(names) && names.length === 0)) {
    throw new QueryError(
      "bulkCreate(): updateConflicts needs updateFields, the fields an existing row takes from a conflicting one (e.g. updateFields: ['price']).",
    );
  }
  const fields = fieldsOf(meta, 'updateFields', names);
  for (const field of fields) {
    if (field.primaryKey) throw new QueryError(`bulkCreate(): updateFields names ${meta.name}.${field.name}, the primary key, which an upsert never changes.`);
    if (unique.includes(field))
      throw new QueryError(`bulkCreate(): updateFields names ${field.name}, which is one of uniqueFields (the key rows are matched on).`);
    if (field.generated !== undefined) throw new QueryError(`bulkCreate(): updateFields names ${field.name}, a generated column the database computes.`);
  }
  return fields;
}

/**
 * Checks the conflict options of `bulkCreate()` before anything runs; undefined for a plain insert. Throws QueryError for
 * unknown options, both modes at once, and `uniqueFields` that are not exactly a unique key of the model (MySQL/MariaDB cannot
 * name the key in SQL, but a key that does not exist would make the upsert mean something else).
 */
export function conflictPlan(meta: ModelMeta, given: unknown): ConflictPlan | undefined {
  if (given === undefined) return undefined;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new QueryError('bulkCreate(): options must be an object.');
  const options = given as BulkCreateOptions;
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k));
  if (unknown.length)
    throw new QueryError(`bulkCreate(): unknown option ${unknown.map((k) => `"${k}"`).join(', ')} (options: ${[...OPTION_KEYS].join(', ')}).`);
  const { ignoreConflicts, updateConflicts, uniqueFields, updateFields } = options;
  for (const [name, value] of [
    ['ignoreConflicts', ignoreConflicts],
    ['updateConflicts', updateConflicts],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw new QueryError(`bulkCreate(): ${name} must be true or false.`);
  }
  if (ignoreConflicts && updateConflicts)
    throw new QueryError('bulkCreate(): ignoreConflicts and updateConflicts cannot both be set: skip conflicting rows, or update them.');
  if (!updateConflicts) {
    if (uniqueFields !== undefined || updateFields !== undefined)
      throw new QueryError('bulkCreate(): uniqueFields and updateFields only apply with updateConflicts: true.');
    return ignoreConflicts ? { action: { ignore: true }, unique: [] } : undefined;
  }
  if (uniqueFields === undefined || (Array.isArray(uniqueFields) && uniqueFields.length === 0)) {
    throw new QueryError("bulkCreate(): updateConflicts needs uniqueFields, the fields of the unique key rows conflict on (e.g. uniqueFields: ['sku']).");
  }
  const unique = fieldsOf(meta, 'uniqueFields', uniqueFields);
  const names = unique.map((f) => f.name);
  const keys = uniqueKeys(meta);
  if (!keys.some((key) => sameSet(key, names))) {
    throw new QueryError(
      `bulkCreate(): uniqueFields (${names.join(', ')}) is not a unique key of ${meta.name}: name exactly the fields of its primary key, ` +
        `a unique field or a unique constraint (${keys.map((k) => `[${k.join(', ')}]`).join(', ')}).`,
    );
  }
  const update = updateFieldsOf(meta, updateFields, unique);
  return { action: { target: unique.map((f) => f.column), update: update.map((f) => f.column) }, unique };
}

/**
 * Refuses an upsert whose rows repeat one unique key (PostgreSQL would refuse to update a row twice in one statement,
 * the others would apply both in turn): a QueryError names the rows by index, not their values. Rows with a NULL in the
 * key never conflict and are left out.
 */
export function checkRepeatedKeys(plan: ConflictPlan, instances: readonly BaseModel[]): void {
  if (plan.action.ignore) return;
  const seen = new Map<string, number>();
  instances.forEach((instance, index) => {
    const values = plan.unique.map((f) => readAttribute(instance, f.attname));
    if (values.some((v) => v === undefined || v === null)) return;
    const key = values.map(valueKey).join('\u0000');
    const first = seen.get(key);
    if (first !== undefined) {
      throw new QueryError(
        `bulkCreate(): rows [${first}] and [${index}] have the same uniqueFields (${plan.unique.map((f) => f.name).join(', ')}); ` +
          'an upsert writes each key once: merge them first.',
      );
    }
    seen.set(key, index);
  });
}

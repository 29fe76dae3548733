import type { Dialect } from '../dialects';
import { ModelDefinitionError } from '../errors';
import { conditionKey, conditionSql } from './constraint-condition';
import { checkIdentifier } from './field-types';
import type { ConstraintMeta, ModelMeta } from './types';

/**
 * The `constraints` option of `@Model`, checked when the model is declared: anything keelson cannot apply is a
 * `ModelDefinitionError` here, never a constraint silently left out of the DDL.
 */

const CHECK_KEYS = new Set(['name', 'check']);
const UNIQUE_KEYS = new Set(['name', 'unique', 'condition']);

/** Knex's name for a unique constraint it names itself (`posts_author_id_slug_unique`). */
export const defaultUniqueName = (table: string, columns: readonly string[]) => `${table.replace(/\.|-/g, '_')}_${columns.join('_')}_unique`.toLowerCase();

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

/** The dialect of the model's alias, when the registry already knows that database. */
function knownDialect(meta: ModelMeta): Dialect | undefined {
  try {
    return meta.registry.databaseFor(meta.database).driver;
  } catch {
    return undefined; // an extra alias added after the model: checked again at createAll
  }
}

/** Checks the `constraints` option of a model whose fields are built; returns them with their names. */
export function checkConstraints(meta: ModelMeta, option: unknown): ConstraintMeta[] {
  if (option === undefined) return [];
  if (!Array.isArray(option))
    throw new ModelDefinitionError(`${meta.name}: constraints must be an array, e.g. [{ name: 'price_positive', check: 'price >= 0' }].`);
  const result: ConstraintMeta[] = [];
  const names = new Map<string, number>();
  option.forEach((entry, i) => {
    const where = `${meta.name}: constraints[${i}]`;
    if (!isPlainObject(entry)) throw new ModelDefinitionError(`${where} must be an object: { name, check } or { name?, unique: [fields], condition? }.`);
    const constraint = 'check' in entry ? checkConstraint(meta, entry, where) : uniqueConstraint(meta, entry, where);
    const previous = names.get(constraint.name);
    if (previous !== undefined)
      throw new ModelDefinitionError(`${where}: the name "${constraint.name}" is also constraints[${previous}]'s. Give each constraint its own name.`);
    names.set(constraint.name, i);
    result.push(constraint);
  });
  const indexNames = new Set(meta.indexes.map((index) => index.name).filter((n): n is string => !!n));
  for (const c of result) {
    if (indexNames.has(c.name))
      throw new ModelDefinitionError(`${meta.name}: constraint "${c.name}" has the name of one of the model's indexes. Rename one of them.`);
  }
  return result;
}

function checkConstraint(meta: ModelMeta, entry: Record<string, unknown>, where: string): ConstraintMeta {
  const extra = Object.keys(entry).filter((k) => !CHECK_KEYS.has(k));
  if (extra.length)
    throw new ModelDefinitionError(`${where}: unknown key ${extra.map((k) => `"${k}"`).join(', ')} in a check constraint (it takes name and check).`);
  if (entry.name === undefined)
    throw new ModelDefinitionError(`${where}: a check constraint needs a name, e.g. { name: '${meta.tablename}_price_check', check: 'price >= 0' }.`);
  checkIdentifier('constraint name', entry.name as string, where);
  const check = entry.check;
  // The expression is the user's SQL, written into the DDL as is: one expression, nothing that could end it.
  if (typeof check !== 'string' || !check.trim() || /;|--|\/\*/.test(check)) {
    throw new ModelDefinitionError(`${where}: check must be one SQL expression over the table's columns (e.g. 'price >= 0'), without ";" or comments.`);
  }
  return { name: entry.name as string, check: check.trim() };
}

function uniqueConstraint(meta: ModelMeta, entry: Record<string, unknown>, where: string): ConstraintMeta {
  const extra = Object.keys(entry).filter((k) => !UNIQUE_KEYS.has(k));
  if (extra.length) {
    throw new ModelDefinitionError(
      `${where}: unknown key ${extra.map((k) => `"${k}"`).join(', ')} (a constraint is { name, check } or { name?, unique: [fields], condition? }).`,
    );
  }
  const fields = entry.unique;
  if (!Array.isArray(fields) || !fields.length || !fields.every((f) => typeof f === 'string')) {
    throw new ModelDefinitionError(`${where}: unique must be a non-empty list of field names, e.g. { unique: ['author', 'slug'] }.`);
  }
  for (const f of fields) {
    if (!meta.fields.has(f))
      throw new ModelDefinitionError(`${where}: unique names "${f}", which is not a field of the model (fields: ${[...meta.fields.keys()].join(', ')}).`);
  }
  if (new Set(fields).size !== fields.length) throw new ModelDefinitionError(`${where}: unique names a field twice.`);
  const columns = fields.map((f) => meta.fields.get(f)!.column);
  const name = entry.name === undefined ? defaultUniqueName(meta.tablename, columns) : (entry.name as string);
  checkIdentifier('constraint name', name, where);
  if (entry.condition === undefined) return { name, unique: [...fields] };
  const condition = entry.condition;
  if (!isPlainObject(condition) || !Object.keys(condition).length) {
    throw new ModelDefinitionError(`${where}: condition must be lookups, as filter() takes them, e.g. { deleted_at__isnull: true }.`);
  }
  for (const key of Object.keys(condition)) {
    const parsed = conditionKey(meta, key);
    if (typeof parsed === 'string') throw new ModelDefinitionError(`${where}: condition ${parsed}.`);
  }
  const dialect = knownDialect(meta);
  if (dialect) {
    if (!dialect.partialIndexes) throw partialIndexesNotSupported(meta.name, name, dialect, ModelDefinitionError);
    conditionSql(meta, condition, dialect, where); // values the compiler refuses fail now, not at createAll
  }
  return { name, unique: [...fields], condition: { ...condition } };
}

/** The error for a partial unique constraint on a database without partial indexes. */
export function partialIndexesNotSupported<E extends Error>(model: string, constraint: string, dialect: Dialect, kind: new (message: string) => E): E {
  return new kind(
    `${model}: constraint "${constraint}" has a condition, which needs a partial index, and ${dialect.displayName} has none. ` +
      'Drop the condition (a plain unique constraint), or enforce it in the application.',
  );
}

import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import type { Registry } from '../registry/registry';
import { AdminHttpError } from './http';

/** Models the admin shows: declared and reflected, without synthesized through models, by name. */
export function adminModels(registry: Registry): ModelClass[] {
  const all = [...Object.values(registry.models), ...Object.values(registry.reflected)];
  if (registry.contentType && !all.includes(registry.contentType)) all.push(registry.contentType);
  return all.filter((model) => !model.meta.abstract && !model.meta.isThrough).sort((a, b) => a.meta.name.localeCompare(b.meta.name));
}

/** The model a URL segment names; anything else is a 404 (the name never reaches a query). */
export function modelNamed(registry: Registry, name: string): ModelClass {
  const found = adminModels(registry).find((model) => model.meta.name === name);
  if (!found) throw new AdminHttpError(404, `There is no model "${name}" in this registry; pick one from the model list.`);
  return found;
}

/** Whether rows can be addressed by one key, which editing and deleting need (composite keys are read-only). */
export function hasSingleKey(meta: ModelMeta): boolean {
  return !meta.compositeKey && meta.fields.get(meta.pkName)?.primaryKey === true;
}

/** Long text the table leaves out (it belongs on the form). */
const isLong = (field: FieldMeta): boolean => field.type === 'text' || field.type === 'json' || field.type === 'binary';

/** Columns of the table page: every field that is neither secret nor long. */
export function listFields(meta: ModelMeta): FieldMeta[] {
  return [...meta.fields.values()].filter((field) => !field.secret && !isLong(field));
}

/** Fields the search box looks in (uuid columns are left out: PostgreSQL has no ILIKE on them). */
export function searchFields(meta: ModelMeta): FieldMeta[] {
  return [...meta.fields.values()].filter((field) => !field.secret && !field.relation && ['string', 'text', 'enum'].includes(field.type) && !field.dbType);
}

/** Whether a field is a foreign key to rows with one key, which a filter can name. */
export function isKeyFilter(field: FieldMeta): boolean {
  const target = field.relation?.target;
  return !!target && hasSingleKey(target.meta) && !target.meta.isThrough;
}

/** Whether a field is filtered by a from/to range. */
export const isRangeFilter = (field: FieldMeta): boolean => field.type === 'date' || field.type === 'datetime';

/** Fields with a filter: enums with choices, booleans, foreign keys, dates and datetimes. */
export function filterFields(meta: ModelMeta): FieldMeta[] {
  return [...meta.fields.values()].filter(
    (field) => !field.secret && (field.type === 'boolean' || (field.type === 'enum' && !!field.choices?.length) || isKeyFilter(field) || isRangeFilter(field)),
  );
}

/** Fields the form edits: all but automatic keys, generated columns, auto-now stamps and binary data (no text form for bytes). */
export function formFields(meta: ModelMeta): FieldMeta[] {
  return [...meta.fields.values()].filter(
    (field) => !(field.primaryKey && field.autoincrement) && !field.generated && !field.autoNow && field.type !== 'binary',
  );
}

/** A short label of a row for pickers and titles: its first plain string field, else its key. */
export function rowLabel(meta: ModelMeta, row: object): string {
  const values = row as Record<string, unknown>;
  const labelField = [...meta.fields.values()].find((f) => f.type === 'string' && !f.secret && !f.relation && !f.primaryKey);
  const label = labelField ? values[labelField.attname] : undefined;
  const pk = values[meta.fields.get(meta.pkName)?.attname ?? meta.pkName];
  return label === undefined || label === null || label === '' ? `${meta.name} ${String(pk)}` : `${String(label)} (${String(pk)})`;
}

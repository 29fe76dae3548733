import type { FieldMeta, ManyToManyMeta, ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { valueText } from './cells';
import { Q } from '../query/q';
import { AdminHttpError } from './http';
import { formFields, rowLabel, searchFields } from './models';

/** Related rows offered in a select; above this many, a foreign key is typed in as a key instead. */
export const MAX_PICKER_ROWS = 200;

/** One option of a relation picker. */
export interface Choice {
  value: string;
  label: string;
}

/** What a form shows: the text of each input as entered (or loaded), and messages per field. */
export interface FormState {
  /** Text per field name; a many-to-many field holds the selected keys. */
  entered: Record<string, string | string[]>;
  errors: Record<string, string[]>;
  /** Relation pickers' options by field name; missing when there are too many rows to list. */
  choices: Map<string, Choice[]>;
  /** Suggestions of foreign keys typed in as keys, by field name (a datalist). */
  suggestions?: Map<string, Choice[]>;
}

/** Suggestions a datalist holds at most. */
export const MAX_SUGGESTIONS = 50;

/** The related model of a foreign key or many-to-many field. */
export const targetOf = (relation: FieldMeta | ManyToManyMeta): ModelClass | undefined =>
  'attname' in relation ? relation.relation?.target : (relation as ManyToManyMeta).target;

/** Options of every relation picker of the model, when the related table is small enough to list. */
export async function loadChoices(meta: ModelMeta): Promise<Map<string, Choice[]>> {
  const choices = new Map<string, Choice[]>();
  const relations = [...formFields(meta).filter((f) => f.relation), ...meta.manyToMany.values()];
  for (const relation of relations) {
    const target = targetOf(relation);
    if (!target) continue;
    const list = await relatedChoices(target);
    if (list) choices.set(relation.name, list);
  }
  return choices;
}

/** The rows of a related table as picker options, or undefined when it has too many rows to list. */
export async function relatedChoices(target: ModelClass): Promise<Choice[] | undefined> {
  const rows: BaseModel[] = await target.query.orderBy(target.meta.pkName).limit(MAX_PICKER_ROWS + 1);
  if (rows.length > MAX_PICKER_ROWS) return undefined;
  return rows.map((row) => ({ value: String(row.pk), label: rowLabel(target.meta, row) }));
}

/** Input text of a new row: each field's literal default. */
export function defaultsOf(meta: ModelMeta): Record<string, string | string[]> {
  const entered: Record<string, string | string[]> = {};
  for (const field of formFields(meta)) {
    const value = typeof field.default === 'function' ? undefined : field.default;
    entered[field.name] = field.secret ? '' : valueText(field, value);
  }
  for (const m2m of meta.manyToMany.values()) entered[m2m.name] = [];
  return entered;
}

/** Input text of a saved row (secret fields stay empty: they are write-only). */
export async function enteredOf(meta: ModelMeta, instance: BaseModel): Promise<Record<string, string | string[]>> {
  const values = instance as unknown as Record<string, unknown>;
  const entered: Record<string, string | string[]> = {};
  for (const field of formFields(meta)) entered[field.name] = field.secret ? '' : valueText(field, values[field.attname]);
  for (const m2m of meta.manyToMany.values()) {
    const manager = values[m2m.name] as { all(): PromiseLike<BaseModel[]> };
    entered[m2m.name] = (await manager.all()).map((row) => String(row.pk));
  }
  return entered;
}

/** The `?search_<field>=` texts of a form page, checked before any query: a field that is no foreign key is a 400. */
export function searchTexts(meta: ModelMeta, params: URLSearchParams): Map<string, string> {
  const keyed = formFields(meta).filter((f) => f.relation?.target);
  const texts = new Map<string, string>();
  for (const [name, value] of params) {
    if (!name.startsWith('search_')) continue;
    if (!keyed.some((f) => f.name === name.slice(7)))
      throw new AdminHttpError(
        400,
        `${meta.name} has no foreign key "${name.slice(7)}" to search; keys are searched for ${keyed.map((f) => f.name).join(', ') || 'no field'}.`,
      );
    texts.set(name.slice(7), value.trim());
  }
  return texts;
}

/** Datalist suggestions of each foreign key typed in as a key: related rows whose string fields contain its search text (any case), else the first rows. */
export async function loadSuggestions(meta: ModelMeta, texts: Map<string, string>, choices: Map<string, Choice[]>): Promise<Map<string, Choice[]>> {
  const suggestions = new Map<string, Choice[]>();
  for (const field of formFields(meta).filter((f) => f.relation?.target && !choices.has(f.name))) {
    const target = field.relation!.target!;
    const text = texts.get(field.name) ?? '';
    const searched = searchFields(target.meta);
    let qs = target.query.all();
    if (text) qs = qs.filter(Q.or(...searched.map((f) => ({ [`${f.name}__icontains`]: text }))));
    // With nothing to search in, a search matches nothing rather than everything.
    const rows: BaseModel[] = text && !searched.length ? [] : await qs.orderBy(target.meta.pkName).limit(MAX_SUGGESTIONS);
    suggestions.set(
      field.name,
      rows.map((row) => ({ value: String(row.pk), label: rowLabel(target.meta, row) })),
    );
  }
  return suggestions;
}

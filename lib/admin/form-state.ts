import type { FieldMeta, ManyToManyMeta, ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { valueText } from './cells';
import { formFields, rowLabel } from './models';

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
}

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
    const rows: BaseModel[] = await target.query.orderBy(target.meta.pkName).limit(MAX_PICKER_ROWS + 1);
    if (rows.length > MAX_PICKER_ROWS) continue;
    choices.set(
      relation.name,
      rows.map((row) => ({ value: String(row.pk), label: rowLabel(target.meta, row) })),
    );
  }
  return choices;
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

import type { FieldMeta, ModelMeta } from '../metadata/types';
import { formFields } from './models';
import { targetOf } from './form-state';

/** A value the form could not turn into the field's type; its message is shown beside the field. */
class FieldProblem extends Error {}

/** What a submitted form becomes: values to write (by attname), many-to-many keys, and per-field problems. */
export interface ParsedForm {
  values: Record<string, unknown>;
  links: Map<string, unknown[]>;
  entered: Record<string, string | string[]>;
  errors: Record<string, string[]>;
}

const INTEGER = /^-?\d+$/;

/** An integer from its text: a number when exact, else the digits as a string (bigint columns). */
function integer(text: string): number | string {
  if (!INTEGER.test(text)) throw new FieldProblem('Enter a whole number.');
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** A key of a related row, typed like the target's primary key. */
function keyOf(field: FieldMeta | undefined, text: string): unknown {
  return field && ['smallint', 'integer', 'bigint'].includes(field.type) ? integer(text) : text;
}

/** A non-empty input as the field's type. */
function typed(field: FieldMeta, text: string): unknown {
  switch (field.type) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return integer(text);
    case 'float': {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new FieldProblem('Enter a number.');
      return n;
    }
    case 'decimal':
      // Kept as text so no digit is lost to floating point.
      if (!/^-?\d+(\.\d+)?$/.test(text)) throw new FieldProblem('Enter a decimal number such as 12.50.');
      return text;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw new FieldProblem('Enter a date as YYYY-MM-DD.');
      return text;
    case 'datetime': {
      // datetime-local has no zone; the admin shows and reads datetimes in UTC.
      const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(date.getTime())) throw new FieldProblem('Enter a date and time as YYYY-MM-DDTHH:MM.');
      return date;
    }
    case 'json':
    case 'array':
      return json(field, text);
    case 'enum': {
      const choice = field.choices?.find((c) => String(c) === text);
      if (choice === undefined) throw new FieldProblem(`Choose one of ${(field.choices ?? []).join(', ')}.`);
      return choice;
    }
    default:
      return text;
  }
}

function json(field: FieldMeta, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FieldProblem(`Enter valid JSON (${(error as Error).message}).`);
  }
  if (field.type === 'array' && !Array.isArray(value)) throw new FieldProblem('Enter a JSON array such as ["a", "b"].');
  return value;
}

/** One scalar or foreign-key field: undefined means "leave it out of the write". */
function fieldValue(field: FieldMeta, form: URLSearchParams, creating: boolean): unknown {
  if (field.type === 'boolean' && !field.secret) return form.has(field.name);
  const text = (form.get(field.name) ?? '').trim() === '' ? '' : (form.get(field.name) ?? '');
  // A secret input is write-only: left empty it keeps the stored value.
  if (text === '' && field.secret && !creating) return undefined;
  if (text === '') {
    if (field.nullable) return null;
    if (field.type === 'string' || field.type === 'text') return '';
    if (creating && field.default !== undefined) return undefined;
    throw new FieldProblem('This field is required.');
  }
  if (field.relation) return keyOf(field.relation.target?.meta.fields.get(field.relation.target.meta.pkName), text.trim());
  return typed(field, text);
}

/** One query-string value parsed as the form parses its field (a foreign key as its target's key); a bad value gives its message. */
export function parseInputText(field: FieldMeta, text: string): { value: unknown } | { problem: string } {
  try {
    if (field.relation) return { value: keyOf(field.relation.target?.meta.fields.get(field.relation.target.meta.pkName), text.trim()) };
    return { value: typed(field, text) };
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
    return { problem: error.message };
  }
}

/** Turns a submitted form into typed values; problems are collected per field, nothing is thrown. */
export function parseForm(meta: ModelMeta, form: URLSearchParams, creating: boolean): ParsedForm {
  const parsed: ParsedForm = { values: {}, links: new Map(), entered: {}, errors: {} };
  for (const field of formFields(meta)) {
    parsed.entered[field.name] = field.secret ? '' : field.type === 'boolean' ? String(form.has(field.name)) : (form.get(field.name) ?? '');
    try {
      const value = fieldValue(field, form, creating);
      if (value !== undefined) parsed.values[field.attname] = value;
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      parsed.errors[field.name] = [error.message];
    }
  }
  for (const m2m of meta.manyToMany.values()) {
    const texts = form
      .getAll(m2m.name)
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
    parsed.entered[m2m.name] = texts;
    const target = targetOf(m2m);
    try {
      parsed.links.set(
        m2m.name,
        [...new Set(texts)].map((t) => keyOf(target?.meta.fields.get(target.meta.pkName), t)),
      );
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      parsed.errors[m2m.name] = ['Enter the keys of related rows.'];
    }
  }
  return parsed;
}

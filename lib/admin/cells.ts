import type { FieldMeta } from '../metadata/types';

/** Two digits. */
const pad = (n: number): string => String(n).padStart(2, '0');

/** A date as `YYYY-MM-DD` (UTC), the value of a date input. */
export function dateText(value: unknown): string {
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  return String(value).slice(0, 10);
}

/** A datetime as `YYYY-MM-DDTHH:MM:SS` (UTC), the value of a datetime-local input. */
export function datetimeText(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 19);
}

/** A field value as text for a table cell or an input (never for a secret field). */
export function valueText(field: FieldMeta, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'date') return dateText(value);
  if (field.type === 'datetime') return datetimeText(value);
  if (field.type === 'json' || field.type === 'array') return JSON.stringify(value, null, 2);
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A field value as a table cell shows it. */
export function cellText(field: FieldMeta, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (field.type === 'boolean') return value ? 'yes' : 'no';
  if (field.type === 'datetime') return datetimeText(value).replace('T', ' ');
  return valueText(field, value);
}

import type { Dialect } from '../dialects';
import type { IntrospectedColumn } from '../dialects/introspection';
import { ConfigurationError } from '../errors';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType } from '../metadata/types';

/** Comparing a model column with its live column, and the values the user gives for existing rows. */

const NUMERIC: ReadonlySet<FieldType> = new Set(['integer', 'bigint', 'float', 'decimal']);

/** Whether two literal defaults are the same value for a column of `type`. */
export function sameDefault(type: FieldType, a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? undefined) === (b ?? undefined);
  if (type === 'boolean') return toBoolean(a) === toBoolean(b);
  if (NUMERIC.has(type)) return Number(a) === Number(b);
  return String(a) === String(b);
}

const toBoolean = (v: unknown) => (typeof v === 'string' ? ['1', 't', 'true', 'y', 'yes', 'on'].includes(v.toLowerCase()) : Boolean(v));

/** Turns the text of `--fill table.column=value` into a value of the column's type. */
export function parseFill(column: ColumnDefinition, raw: string, where: string): unknown {
  switch (column.type) {
    case 'integer':
    case 'float':
      if (raw.trim() === '' || Number.isNaN(Number(raw))) throw new ConfigurationError(`--fill ${where}=${raw}: "${raw}" is not a number (the column is ${column.type}).`);
      return Number(raw);
    case 'bigint':
    case 'decimal':
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new ConfigurationError(`--fill ${where}=${raw}: "${raw}" is not a number (the column is ${column.type}).`);
      return raw.trim();
    case 'boolean':
      if (!/^(true|false|1|0)$/i.test(raw)) throw new ConfigurationError(`--fill ${where}=${raw}: use true or false (the column is boolean).`);
      return /^(true|1)$/i.test(raw);
    case 'json':
      try {
        return JSON.stringify(JSON.parse(raw));
      } catch {
        throw new ConfigurationError(`--fill ${where}=${raw}: not valid JSON (the column is json).`);
      }
    case 'enum':
      if (column.choices && !column.choices.map(String).includes(raw)) {
        throw new ConfigurationError(`--fill ${where}=${raw}: not one of the choices ${column.choices.map((c) => JSON.stringify(c)).join(', ')}.`);
      }
      return raw;
    default:
      return raw;
  }
}

/** What differs between a model column and its live column, in words (empty when nothing does). */
export function columnChanges(want: ColumnDefinition, have: ColumnDefinition, live: IntrospectedColumn | undefined, dialect: Dialect): string[] {
  const changes: string[] = [];
  const typeMatches = live ? dialect.columnTypeMatches(want, live) : want.type === have.type;
  if (!typeMatches) changes.push(`type ${live?.dbType ?? have.type} -> ${describeType(want)}`);
  if (!want.primaryKey && want.nullable !== have.nullable) changes.push(want.nullable ? 'nullable' : 'not null');
  // Auto-increment keys' sequence defaults are the database's business; non-literal live defaults
  // (now(), CURRENT_TIMESTAMP) cannot be spelled by a model, so only literal defaults are compared.
  const liveExpression = live?.hasDefault && live.default === undefined;
  const comparable = !want.autoincrement && !dialect.defaultlessTypes.has(want.type) && !(want.default === undefined && liveExpression);
  if (comparable && !sameDefault(want.type, want.default, have.default)) {
    changes.push(want.default === undefined ? 'drop default' : `default ${JSON.stringify(want.default)}`);
  }
  return changes;
}

/**
 * Whether a type change may not fit every existing value: another kind of type, or a shorter string, or
 * fewer digits. (Widening a string or a number always converts.)
 */
export function narrows(want: ColumnDefinition, have: ColumnDefinition): boolean {
  const widening: Partial<Record<FieldType, FieldType[]>> = { integer: ['bigint', 'float', 'decimal'], string: ['text'], enum: ['string', 'text'], float: ['decimal'] };
  if (want.type !== have.type) return !widening[have.type]?.includes(want.type) || (want.type === 'string' && want.maxLength !== undefined);
  if (want.type === 'string') return (want.maxLength ?? 255) < (have.maxLength ?? 255);
  if (want.type === 'decimal') return (want.precision ?? 10) - (want.scale ?? 2) < (have.precision ?? 10) - (have.scale ?? 2) || (want.scale ?? 2) < (have.scale ?? 2);
  return false;
}

/** `string(120)`, `decimal(10,2)`, `integer`: a model column's type for messages. */
export function describeType(c: ColumnDefinition): string {
  if (c.type === 'string') return `string(${c.maxLength ?? 255})`;
  if (c.type === 'decimal') return `decimal(${c.precision ?? 10},${c.scale ?? 2})`;
  if (c.type === 'enum') return `enum(${(c.choices ?? []).join('|')})`;
  if (c.type === 'datetime' && (c.precision !== undefined || c.timezone === false)) {
    return `datetime(${[c.precision !== undefined ? `precision ${c.precision}` : '', c.timezone === false ? 'without time zone' : ''].filter(Boolean).join(', ')})`;
  }
  return c.type;
}

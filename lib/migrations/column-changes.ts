import type { Dialect } from '../dialects';
import type { IntrospectedColumn } from '../dialects/introspection';
import { ConfigurationError } from '../errors';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType } from '../metadata/types';

/** Comparing a model column with its live column, and the values the user gives for existing rows. */

const NUMERIC: ReadonlySet<FieldType> = new Set(['smallint', 'integer', 'bigint', 'float', 'decimal']);

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
    case 'smallint':
    case 'integer':
    case 'float':
      if (raw.trim() === '' || Number.isNaN(Number(raw)))
        throw new ConfigurationError(`--fill ${where}=${raw}: "${raw}" is not a number (the column is ${column.type}).`);
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

/** Decimal digits every value of an integer type can have (before the point of a decimal it becomes). */
export const INTEGER_DIGITS: Partial<Record<FieldType, number>> = { smallint: 5, integer: 10, bigint: 19 };

/** Types every value of which converts unchanged into a `text` column (their text form). */
const TEXT_SAFE: ReadonlySet<FieldType> = new Set(['string', 'enum', 'uuid', 'smallint', 'integer', 'bigint', 'float', 'decimal', 'date', 'datetime', 'time']);

/**
 * Whether a type change may not fit every existing value: another kind of type, a shorter string, fewer
 * decimal digits (a float or an integer becoming a decimal too small for it), fewer enum choices. Widening
 * a string or a number always converts.
 */
export function narrows(want: ColumnDefinition, have: ColumnDefinition): boolean {
  if (want.dbType !== undefined || have.dbType !== undefined) return want.dbType !== have.dbType || want.type !== have.type;
  const wantDecimal = decimalDigits(want);
  if (want.type === 'decimal' && have.type !== 'decimal') {
    // A float has no fixed number of decimal places: any scale may round it.
    const digits = INTEGER_DIGITS[have.type];
    return digits === undefined || wantDecimal.integer < digits;
  }
  if (want.type !== have.type) {
    const widening: Partial<Record<FieldType, FieldType[]>> = {
      smallint: ['integer', 'bigint', 'float'],
      integer: ['bigint', 'float'],
      string: ['text'],
      enum: ['string', 'text'],
      date: ['datetime'],
    };
    if (want.type === 'text' && TEXT_SAFE.has(have.type)) return false;
    return (
      !widening[have.type]?.includes(want.type) ||
      (want.type === 'string' &&
        (want.maxLength ?? 255) < (have.type === 'enum' ? Math.max(0, ...(have.choices ?? []).map((c) => String(c).length)) : Infinity))
    );
  }
  if (want.type === 'string') return (want.maxLength ?? 255) < (have.maxLength ?? 255);
  if (want.type === 'decimal') {
    const haveDecimal = decimalDigits(have);
    return wantDecimal.integer < haveDecimal.integer || wantDecimal.scale < haveDecimal.scale;
  }
  if (want.type === 'enum') return (have.choices ?? []).some((c) => !(want.choices ?? []).map(String).includes(String(c)));
  return false;
}

/** A decimal column's digits before and after the point (keelson's defaults: 10 and 2). */
const decimalDigits = (c: ColumnDefinition) => ({ integer: (c.precision ?? 10) - (c.scale ?? 2), scale: c.scale ?? 2 });

/** `string(120)`, `decimal(10,2)`, `integer`: a model column's type for messages. */
export function describeType(c: ColumnDefinition): string {
  if (c.dbType !== undefined) return c.dbType;
  if (c.type === 'array') return `array(${describeType({ ...c, type: c.of ?? 'text', of: undefined })})`;
  if (c.type === 'string') return `string(${c.maxLength ?? 255})`;
  if (c.type === 'decimal') return `decimal(${c.precision ?? 10},${c.scale ?? 2})`;
  if (c.type === 'enum') return `enum(${(c.choices ?? []).join('|')})`;
  if (c.type === 'datetime' && (c.precision !== undefined || c.timezone === false)) {
    return `datetime(${[c.precision !== undefined ? `precision ${c.precision}` : '', c.timezone === false ? 'without time zone' : ''].filter(Boolean).join(', ')})`;
  }
  return c.type;
}

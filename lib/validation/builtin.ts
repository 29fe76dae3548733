import type { FieldMeta, FieldType, ModelMeta } from '../metadata/types';
import { RELATED } from '../models/state';

/** Returns a message when the value (never null / undefined) has the wrong type, else undefined. */
type TypeCheck = (value: unknown) => string | undefined;

/** One field's checks, resolved from its FieldMeta once. */
export interface FieldCheck {
  readonly field: FieldMeta;
  /** The type the checks were compiled for (a foreign key's type changes when it binds). */
  readonly type: FieldType;
  readonly name: string;
  readonly attname: string;
  readonly nullable: boolean;
  /** Undefined is fine on insert: the database or the write path supplies the value. */
  readonly optionalOnInsert: boolean;
  /** Relation fields may still hold an assigned (unsaved-at-assignment) instance instead of a key. */
  readonly relation: boolean;
  readonly typeCheck: TypeCheck | undefined;
  readonly maxLength: number | undefined;
  readonly choices: ReadonlySet<unknown> | undefined;
  readonly choicesText: string;
}

/** The compiled checks of one model, in field order. */
export interface CompiledChecker {
  readonly checks: readonly FieldCheck[];
  readonly byName: ReadonlyMap<string, FieldCheck>;
}

const cache = new WeakMap<ModelMeta, CompiledChecker>();

/** The checker for a model, compiled on first use and rebuilt only when the model's fields changed. */
export function checkerFor(meta: ModelMeta): CompiledChecker {
  const cached = cache.get(meta);
  if (cached && isCurrent(cached, meta)) return cached;
  const compiled = compile(meta);
  cache.set(meta, compiled);
  return compiled;
}

/** Per call, not per row: fields added or replaced, or a foreign key re-typed when it bound, force a rebuild. */
function isCurrent(compiled: CompiledChecker, meta: ModelMeta): boolean {
  const checks = compiled.checks;
  if (checks.length !== meta.fields.size) return false;
  let i = 0;
  for (const field of meta.fields.values()) {
    if (!matches(checks[i++], field)) return false;
  }
  return true;
}

const matches = (check: FieldCheck, field: FieldMeta): boolean => check.field === field && check.type === field.type && check.maxLength === field.maxLength;

function compile(meta: ModelMeta): CompiledChecker {
  const checks: FieldCheck[] = [];
  const byName = new Map<string, FieldCheck>();
  for (const field of meta.fields.values()) {
    const check = compileField(field);
    checks.push(check);
    byName.set(field.name, check);
  }
  return { checks, byName };
}

/** Resolves one field's checks. */
export function compileField(field: FieldMeta): FieldCheck {
  const choices = field.choices && field.choices.length > 0 ? new Set<unknown>(field.choices) : undefined;
  return {
    field,
    type: field.type,
    name: field.name,
    attname: field.attname,
    nullable: field.nullable,
    optionalOnInsert: field.autoincrement || field.default !== undefined || field.serverDefault === true,
    relation: field.relation !== undefined,
    // An enum's type is its choices; the choices check reports it once. A raw dbType's values are the driver's.
    typeCheck: field.type === 'enum' || field.dbType !== undefined ? undefined : TYPE_CHECKS[field.type],
    maxLength: field.maxLength,
    choices,
    choicesText: choices ? field.choices!.map((c) => JSON.stringify(c)).join(', ') : '',
  };
}

/** The checks for `fields` (all of them when omitted); done once per call, never per row. */
export function selectChecks(checker: CompiledChecker, fields: readonly FieldMeta[] | undefined): readonly FieldCheck[] {
  if (!fields) return checker.checks;
  // Sized once, filled by index (this runs for every update()).
  const out = new Array<FieldCheck>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const check = checker.byName.get(fields[i].name);
    out[i] = check && matches(check, fields[i]) ? check : compileField(fields[i]);
  }
  return out;
}

/**
 * Runs the checks on one instance, adding messages to `out` under `field.name`, or `[index].name`
 * when `index` is not negative.
 * Returns `out`, allocated on the first error (undefined while everything passes).
 */
export function runChecks(
  instance: object,
  checks: readonly FieldCheck[],
  insert: boolean,
  index: number,
  out: Record<string, string[]> | undefined,
): Record<string, string[]> | undefined {
  const target = instance as Record<string, unknown>;
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i];
    let value = target[check.attname];
    if (value === undefined && check.relation) value = relatedKey(instance, check.name);
    let message: string | undefined;
    if (value === null || value === undefined) {
      if (check.nullable || (value === undefined && insert && check.optionalOnInsert)) continue;
      message = 'may not be null';
    } else {
      message = check.typeCheck?.(value);
      if (message === undefined && check.maxLength !== undefined && typeof value === 'string' && value.length > check.maxLength) {
        // UTF-16 length bounds the character count from above; count code points only when it may be over.
        const length = codePointLength(value);
        if (length > check.maxLength) message = `must be at most ${check.maxLength} characters (got ${length})`;
      }
      if (message === undefined && check.choices !== undefined && !check.choices.has(value)) {
        message = `must be one of ${check.choicesText} (got ${describe(value)})`;
      }
    }
    if (message !== undefined) {
      out ??= {};
      const key = index < 0 ? check.name : `[${index}].${check.name}`;
      (out[key] ??= []).push(message);
    }
  }
  return out;
}

/** The key of a related instance assigned to a foreign key whose raw key the write path has not copied yet. */
function relatedKey(instance: object, name: string): unknown {
  const related = (instance as { [RELATED]?: Record<string, unknown> })[RELATED]?.[name];
  if (related === null || typeof related !== 'object') return undefined;
  return (related as { pk?: unknown }).pk;
}

function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** A short, readable rendering of a rejected value for messages. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      return `string ${text}`;
    }
    case 'number':
      return `number ${String(value)}`;
    case 'bigint':
      return `bigint ${String(value)}n`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'undefined':
      return 'undefined';
    default:
      if (value === null) return 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
      if (Array.isArray(value)) return 'an array';
      if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
      return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^-?\d+$/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_PARTS = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?$/;

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
  d.setUTCFullYear(year);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

// PostgreSQL refuses NUL in text while SQLite and MySQL store it: refuse it everywhere, before any write.
const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

const stringCheck: TypeCheck = (v) => {
  if (typeof v !== 'string') return `must be a string (got ${describe(v)})`;
  return v.indexOf('\u0000') === -1 ? undefined : NUL_MESSAGE;
};

/** JSON.stringify replacer that throws on what JSON would silently change (NaN, ±Infinity) or PostgreSQL refuses (NUL). */
function jsonSafe(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`${String(value)}${key ? ` at "${key}"` : ''} has no JSON form (it would be stored as null)`);
  }
  if (typeof value === 'string' && value.indexOf('\u0000') !== -1) throw new Error(`a string${key ? ` at "${key}"` : ''} ${NUL_MESSAGE}`);
  if (typeof key === 'string' && key.indexOf('\u0000') !== -1) throw new Error(`a key ${NUL_MESSAGE}`);
  return value;
}

/** Inclusive bounds of an integer column: `integer` is 32-bit on PostgreSQL and MySQL, `bigint` 64-bit everywhere. */
interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
}
const INT16: IntegerRange = { min: -(2n ** 15n), max: 2n ** 15n - 1n };
const INT32: IntegerRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64: IntegerRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * Integers only; a `number` must be exact (a safe integer: 2 ** 60 has already lost its low digits), and
 * every value must fit the column on every dialect (SQLite would store what PostgreSQL and MySQL refuse).
 */
function integerCheck(v: unknown, range: IntegerRange, what: string, digits: boolean): string | undefined {
  let exact: bigint;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `must be ${what} (got ${describe(v)})`;
    if (!Number.isSafeInteger(v)) {
      return `must be exact: beyond Number.MAX_SAFE_INTEGER a number has lost digits, so pass a bigint${digits ? ' or a string of digits' : ''} (got ${describe(v)})`;
    }
    exact = BigInt(v);
  } else if (typeof v === 'bigint') exact = v;
  else if (digits && typeof v === 'string' && DIGITS.test(v)) exact = BigInt(v);
  else return `must be ${what} (got ${describe(v)})`;
  return exact < range.min || exact > range.max ? `must be between ${range.min} and ${range.max} (got ${describe(v)})` : undefined;
}

/** An ISO 8601 date-time whose date is on the calendar and whose time exists (Date.parse rolls Feb 30 over). */
function isDatetimeText(text: string): boolean {
  const m = DATETIME_PARTS.exec(text);
  if (!m || !isCalendarDate(m[1])) return false;
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || (m[4] !== undefined && Number(m[4]) > 59))) return false;
  return !Number.isNaN(Date.parse(text));
}

const TYPE_CHECKS: Record<FieldType, TypeCheck | undefined> = {
  smallint: (v) => integerCheck(v, INT16, 'an integer', false),
  integer: (v) => integerCheck(v, INT32, 'an integer', false),
  bigint: (v) => integerCheck(v, INT64, 'an integer, a bigint or a string of digits', true),
  float: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `must be a finite number (got ${describe(v)})`),
  decimal: (v) =>
    (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && NUMERIC.test(v) && Number.isFinite(Number(v)))
      ? undefined
      : `must be a finite number or a numeric string like "12.50" (got ${describe(v)})`,
  string: stringCheck,
  text: stringCheck,
  uuid: (v) => {
    if (typeof v !== 'string') return `must be a UUID string (got ${describe(v)})`;
    return UUID.test(v) ? undefined : `must be a UUID like "123e4567-e89b-12d3-a456-426614174000" (got ${describe(v)})`;
  },
  boolean: (v) => (typeof v === 'boolean' ? undefined : `must be a boolean (got ${describe(v)})`),
  date: (v) =>
    (typeof v === 'string' && isCalendarDate(v)) || isValidDate(v) ? undefined : `must be a valid Date or a "YYYY-MM-DD" string (got ${describe(v)})`,
  datetime: (v) =>
    isValidDate(v) || (typeof v === 'string' && isDatetimeText(v))
      ? undefined
      : `must be a valid Date or an ISO 8601 string like "2024-05-01T12:00:00Z" (got ${describe(v)})`,
  time: (v) => ((typeof v === 'string' && TIME.test(v)) || isValidDate(v) ? undefined : `must be a Date or an "HH:MM[:SS[.fff]]" string (got ${describe(v)})`),
  json: (v) => {
    const t = typeof v;
    if (t === 'function' || t === 'symbol' || t === 'bigint') return `must be a JSON value (got ${describe(v)})`;
    try {
      // The replacer sees every value JSON.stringify writes (after toJSON), so one pass checks them all.
      JSON.stringify(v, jsonSafe);
      return undefined;
    } catch (error) {
      return `must be JSON-serializable: ${(error as Error).message.split('\n')[0]}`;
    }
  },
  binary: (v) => (v instanceof Uint8Array ? undefined : `must be a Buffer or Uint8Array (got ${describe(v)})`),
  enum: undefined,
  array: (v) => (Array.isArray(v) ? undefined : `must be an array (got ${describe(v)})`),
};

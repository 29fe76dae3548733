import type { Dialect } from '../dialects';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType } from '../metadata/types';
import { describeType, narrows } from './column-changes';

/**
 * Which rows a narrowing type change would alter. For a (from, to) pair of column types this builds the SQL
 * that is true for a row whose value would not survive the change unchanged (the "unfit" predicate), and the
 * SQL that converts such a value on purpose (`--allow-lossy`). The same predicate serves makemigrations'
 * count of the live rows and the guard written into the migration file, which may later run on another
 * database. Identifiers are quoted by the dialect; values travel as bindings (`?`), never pasted in.
 */

/** SQL text with `?` placeholders and their values. */
export interface BoundSql {
  sql: string;
  bindings: (string | number)[];
}

/** What a type change means for existing values. */
export type UnfitCheck =
  /** Every value converts unchanged (a widening, or no type change). */
  | { kind: 'fits' }
  /** No SQL can tell which values would change (e.g. text → integer, json → string). */
  | { kind: 'unchecked'; why: string }
  /**
   * `unfit` is true for a row whose value would change; `convert` is its lossy replacement (absent when there
   * is none, e.g. an enum value dropped from the choices on a NOT NULL column without a default).
   */
  | { kind: 'check'; unfit: BoundSql; convert?: BoundSql; effect: string };

/** The range of each integer type (bigint's as text: JavaScript numbers cannot hold it exactly). */
const INTEGER_RANGE: Partial<Record<FieldType, [number | string, number | string]>> = {
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};
const NUMBERS: ReadonlySet<FieldType> = new Set(['smallint', 'integer', 'bigint', 'float', 'decimal']);
const TEXTS: ReadonlySet<FieldType> = new Set(['string', 'text', 'enum', 'uuid']);

/** `?` is knex's placeholder: one inside a quoted identifier must not be read as one. */
const identifier = (dialect: Dialect, column: string) => dialect.quoteIdentifier(column).replace(/\?/g, '\\?');

/** A decimal numeral as a number when a double holds it exactly enough, else as text (bound either way). */
const numeral = (text: string): number | string => (text.replace(/[-.]/g, '').length <= 15 ? Number(text) : text);

/** `case when x < min then min when x > max then max else <value> end`: a number clamped into a type's range. */
function clamp(x: string, value: BoundSql, min: number | string, max: number | string): BoundSql {
  return { sql: `case when ${x} < ? then ? when ${x} > ? then ? else ${value.sql} end`, bindings: [min, min, max, max, ...value.bindings] };
}

/**
 * The check for changing `column` (its live name) from `from` to `to`. A change `narrows()` does not flag
 * fits; one it flags gets a predicate when this file knows the pair, else is unchecked.
 */
export function unfitCheck(from: ColumnDefinition, to: ColumnDefinition, column: string, dialect: Dialect): UnfitCheck {
  if (!narrows(to, from)) return { kind: 'fits' };
  const unchecked: UnfitCheck = { kind: 'unchecked', why: `no check is known for ${describeType(from)} -> ${describeType(to)}` };
  if (from.dbType !== undefined || to.dbType !== undefined) return unchecked;
  const x = identifier(dialect, column);
  const fn = dialect.unfit;

  if (to.type === 'string' && TEXTS.has(from.type)) {
    const length = to.maxLength ?? 255;
    return {
      kind: 'check',
      unfit: { sql: `${fn.charLength(x)} > ?`, bindings: [length] },
      convert: { sql: `substr(${x}, 1, ?)`, bindings: [length] },
      effect: `cut to ${length} characters`,
    };
  }

  const range = INTEGER_RANGE[to.type];
  if (range && NUMBERS.has(from.type)) {
    const [min, max] = range;
    const fractional = from.type === 'float' || from.type === 'decimal';
    const outside = `${x} < ? or ${x} > ?`;
    return {
      kind: 'check',
      unfit: fractional ? { sql: `${x} <> ${fn.round(x, 0)} or ${outside}`, bindings: [min, max] } : { sql: outside, bindings: [min, max] },
      convert: clamp(x, { sql: fractional ? fn.round(x, 0) : x, bindings: [] }, min, max),
      effect: `rounded to a whole number and held within ${min}..${max}`,
    };
  }

  if (to.type === 'decimal' && NUMBERS.has(from.type)) {
    const precision = to.precision ?? 10;
    const scale = to.scale ?? 2;
    // The smallest number that no longer fits in front of the point, and the largest that does.
    const fractional = from.type === 'float' || from.type === 'decimal';
    const limit = numeral(`1${'0'.repeat(precision - scale)}`);
    // An integer column cannot hold the fraction while its values are being converted.
    const largest = `${'9'.repeat(precision - scale) || '0'}${scale && fractional ? `.${'9'.repeat(scale)}` : ''}`;
    const rounded = fractional ? fn.round(x, scale) : x;
    return {
      kind: 'check',
      unfit: { sql: `${fractional ? `${x} <> ${rounded} or ` : ''}abs(${x}) >= ?`, bindings: [limit] },
      convert: clamp(x, { sql: rounded, bindings: [] }, numeral(`-${largest}`), numeral(largest)),
      effect: `rounded to ${scale} decimal place${scale === 1 ? '' : 's'}, and held within ±${largest}`,
    };
  }

  if (to.type === 'date' && from.type === 'datetime') {
    return {
      kind: 'check',
      unfit: { sql: fn.hasTime(x), bindings: [] },
      convert: { sql: fn.dateOf(x), bindings: [] },
      effect: 'cut to their date (the time of day is lost)',
    };
  }

  if (to.type === 'enum' && TEXTS.has(from.type)) return enumCheck(to, x);

  if (to.type === 'boolean' && (from.type === 'smallint' || from.type === 'integer' || from.type === 'bigint')) {
    return {
      kind: 'check',
      unfit: { sql: `${x} not in (0, 1)`, bindings: [] },
      convert: { sql: `case when ${x} = 0 then 0 else 1 end`, bindings: [] },
      effect: 'set to 1 (true)',
    };
  }
  return unchecked;
}

/** A text column becoming an enum: values outside the choices take the default, or NULL, where the column allows. */
function enumCheck(to: ColumnDefinition, x: string): UnfitCheck {
  const choices = (to.choices ?? []).map(String);
  const unfit: BoundSql = choices.length
    ? { sql: `${x} not in (${choices.map(() => '?').join(', ')})`, bindings: choices }
    : { sql: `${x} is not null`, bindings: [] };
  // A value outside the choices has no counterpart: it becomes the default, or NULL.
  const replacement =
    to.default !== undefined && to.default !== null && choices.includes(String(to.default)) ? String(to.default) : to.nullable ? null : undefined;
  if (replacement === undefined) return { kind: 'check', unfit, effect: 'not among the choices' };
  return replacement === null
    ? { kind: 'check', unfit, convert: { sql: 'null', bindings: [] }, effect: 'set to NULL (not among the choices)' }
    : {
        kind: 'check',
        unfit,
        convert: { sql: '?', bindings: [replacement] },
        effect: `set to the default ${JSON.stringify(replacement)} (not among the choices)`,
      };
}

import type { FieldType } from '../metadata/types';
import type { ColumnSizeKey, ColumnSpec } from '../metadata/column-spec';
import { COLUMN_SIZE_KEYS, columnSpecKeysWithout, pickColumnSpec } from '../metadata/column-spec';

/**
 * A live column as the database reports it, mapped to keelson's field types: its spec, with the database's own
 * type name as `dbType` (not a raw type the model declares) and what only the live column knows.
 */
export interface IntrospectedColumn extends Omit<ColumnSpec, 'dbType'> {
  /** The column's name. */
  name: string;
  /** The closest keelson field type. */
  type: FieldType;
  /** The database's own type name (e.g. `character varying`, `NVARCHAR(120)`), for messages and comments. */
  dbType: string;
  /** A literal default (`'draft'`, `0`, `true`), when the database has one keelson can express. */
  default?: string | number | boolean;
  /** Whether the database fills the column when an insert leaves it out (any default, literal or not). */
  hasDefault?: boolean;
  /**
   * Allowed values of an enum column: a MySQL ENUM's or a PostgreSQL enum type's labels in order, or the list of
   * keelson's enum (a `text` column with `CHECK (column IN (…))`) on SQLite and PostgreSQL.
   */
  choices?: string[];
  /** The name of the CHECK constraint that holds keelson's enum choices (PostgreSQL), for migrations that change them. */
  checkName?: string;
  /**
   * The column's whole type as the catalog spells it in DDL, when `dbType` is not already that (PostgreSQL's
   * `format_type`: `character varying(20)[]`, `timestamp(3) with time zone`). A model's `dbType` is compared with it.
   */
  nativeType?: string;
  /**
   * A type the database defines itself (a domain, an enum type, an extension's type such as citext): `type` only
   * approximates it, so inspectdb names it with `dbType`.
   */
  custom?: boolean;
}

/** The spec members a live column gives a model's column: all but `dbType`, which names the live type (see `liveTypeName`). */
export const LIVE_SPEC_KEYS = columnSpecKeysWithout('dbType');

/** The type a model's `dbType` is compared with: the catalog's spelling of the live column's type. */
export const liveTypeName = (live: IntrospectedColumn): string => live.nativeType ?? live.dbType;

/** A live foreign key (single column). */
export interface IntrospectedForeignKey {
  /** The constraint's name (PostgreSQL, MySQL/MariaDB); undefined on SQLite, whose foreign keys have none. */
  name?: string;
  column: string;
  table: string;
  references: string;
  onDelete?: string;
  onUpdate?: string;
}

/**
 * A live index over plain columns: a unique constraint, a unique index or an ordinary index. The primary key's
 * index, expression indexes and partial indexes are never reported (they are not column lists).
 */
export interface IntrospectedIndex {
  /** The index's name (for a unique constraint, the constraint's; SQLite's own are `sqlite_autoindex_<table>_<n>`). */
  name: string;
  /** Key columns in index order. */
  columns: string[];
  unique: boolean;
}

/**
 * A live CHECK constraint (`check`: its expression as the database prints it), or a partial unique index
 * (`unique`: its key columns, `where`: its predicate as the database prints it). keelson's own enum checks and
 * the JSON checks MariaDB adds are not reported.
 */
export type IntrospectedConstraint = { name: string; check: string } | { name: string; unique: string[]; where: string };

/** A live table. */
export interface IntrospectedTable {
  name: string;
  schema?: string;
  columns: IntrospectedColumn[];
  foreignKeys: IntrospectedForeignKey[];
  /** Multi-column unique constraints / unique indexes (column lists). */
  uniqueTogether: string[][];
  /**
   * Every index of the table but the primary key's, unique and not, single- and multi-column, sorted by name.
   * On MySQL/MariaDB the index InnoDB makes for a foreign key (named after the constraint) is left out.
   */
  indexes: IntrospectedIndex[];
  /** CHECK constraints and partial unique indexes, sorted by name (see `IntrospectedConstraint`). */
  constraints?: IntrospectedConstraint[];
}

/** What a database type name maps to: the field type and the numbers in its parentheses. */
export type MappedType = Pick<ColumnSpec, 'type' | ColumnSizeKey>;

/** Gives a live column the numbers its type name holds (its length, or its precision and scale), those that it has. */
export function applySizes(column: IntrospectedColumn, mapped: MappedType): void {
  Object.assign(column, pickColumnSpec(mapped, COLUMN_SIZE_KEYS));
}

/**
 * Maps a database type name (`NVARCHAR(120)`, `numeric(10,2)`, `character varying`, `tinyint(1)`…) to the
 * closest keelson field type. `length`, `precision` and `scale` override the numbers in the name (the
 * information_schema reports them separately). Unknown types become `text`.
 */
export function mapDatabaseType(dbType: string, sizes: { length?: number | null; precision?: number | null; scale?: number | null } = {}): MappedType {
  const lower = dbType.trim().toLowerCase();
  const match = /^([a-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(\s+unsigned)?(?:\s.*)?$/.exec(lower);
  const base = (match?.[1] ?? lower).trim();
  const first = match?.[2] !== undefined ? Number(match[2]) : undefined;
  const second = match?.[3] !== undefined ? Number(match[3]) : undefined;
  const num = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(Number(v)) ? undefined : Number(v));
  const length = num(sizes.length) ?? first;
  if (base === 'tinyint' && first === 1) return { type: 'boolean' };
  if (/^(bool|boolean)$/.test(base)) return { type: 'boolean' };
  if (/^(smallint|int2|smallserial|serial2)$/.test(base)) return { type: 'smallint' };
  // keelson has no mediumint, tinyint or year: they hold integers (inspectdb adds their dbType).
  if (/^(int|integer|int4|tinyint|mediumint|serial|serial4|int unsigned|year)$/.test(base)) return { type: 'integer' };
  if (/^(bigint|int8|bigserial|serial8)$/.test(base)) return { type: 'bigint' };
  if (/^(real|double|double precision|float|float4|float8)$/.test(base)) return { type: 'float' };
  if (/^(numeric|decimal|dec|money)$/.test(base)) {
    const precision = num(sizes.precision) ?? first;
    const scale = num(sizes.scale) ?? second ?? (precision !== undefined ? 0 : undefined);
    return { type: 'decimal', precision, scale };
  }
  if (/^(varchar|nvarchar|character varying|varying character|char|nchar|character|native character|bpchar|varchar2|nvarchar2)$/.test(base)) {
    return length !== undefined && length > 0 ? { type: 'string', maxLength: length } : { type: 'text' };
  }
  if (/^(text|clob|tinytext|mediumtext|longtext|ntext|citext|name|string)$/.test(base)) return { type: 'text' };
  if (base === 'date') return { type: 'date' };
  if (/^(timestamp|datetime|timestamptz|timestamp with time zone|timestamp without time zone|smalldatetime|datetime2)$/.test(base)) return { type: 'datetime' };
  if (/^(time|timetz|time with time zone|time without time zone)$/.test(base)) return { type: 'time' };
  if (/^(json|jsonb)$/.test(base)) return { type: 'json' };
  if (/^(uuid|uniqueidentifier)$/.test(base)) return { type: 'uuid' };
  if (/^(blob|bytea|binary|varbinary|tinyblob|mediumblob|longblob|image)$/.test(base)) return { type: 'binary' };
  if (base === 'enum') return { type: 'enum' };
  return { type: 'text' };
}

/** A number as databases print one: `42`, `-3.75`, `.5`, `1e+21`, `1e-07`. */
export const NUMERIC_LITERAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

const MYSQL_ESCAPES: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

/**
 * A literal default as the database prints it (`'draft'`, `'it''s'::character varying`, `0`, `(1.5)`, `1e+21`,
 * `true`), or undefined for expressions (`now()`, `nextval(…)`, `CURRENT_TIMESTAMP`) and NULL. Numbers come back
 * as numbers, except for `decimal` and `bigint` columns (their digits, as a string). `backslashEscapes` decodes
 * the backslash escapes MariaDB writes inside quoted defaults (`\\`, `\n`…).
 */
export function literalDefault(raw: unknown, type: FieldType, options: { backslashEscapes?: boolean } = {}): string | number | boolean | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') return type === 'boolean' ? raw !== 0 : raw;
  let text = String(raw).trim();
  while (/^\(.*\)$/s.test(text)) text = text.slice(1, -1).trim();
  const quoted = options.backslashEscapes ? /^'((?:[^'\\]|''|\\.)*)'$/s.exec(text) : /^'((?:[^']|'')*)'(?:::[\w\s."]+(?:\[\])?)?$/s.exec(text);
  if (quoted) {
    let value = quoted[1];
    value = options.backslashEscapes
      ? value.replace(/''|\\(.)/gs, (all, c: string | undefined) => (c === undefined ? "'" : (MYSQL_ESCAPES[c] ?? c)))
      : value.replace(/''/g, "'");
    return type === 'boolean' ? typedLiteral(value, type) : (typedLiteral(value, type) ?? value);
  }
  const bare = text.replace(/::[\w\s."]+$/, '');
  const typed = typedLiteral(bare, type);
  if (typed !== undefined) return typed;
  if (/^(true|false)$/i.test(bare)) return bare.toLowerCase() === 'true';
  // A bare number on a text-like column (SQLite `default 5`, MySQL's unquoted literals) is that text.
  if (NUMERIC_LITERAL.test(bare)) return bare;
  return undefined;
}

/** A number or a boolean of a numeric or boolean column, from its printed form; undefined otherwise. */
function typedLiteral(value: string, type: FieldType): number | string | boolean | undefined {
  if (type === 'boolean') {
    if (NUMERIC_LITERAL.test(value)) return Number(value) !== 0;
    const lower = value.toLowerCase();
    if (['t', 'true', 'y', 'yes', 'on'].includes(lower)) return true;
    if (['f', 'false', 'n', 'no', 'off'].includes(lower)) return false;
    return undefined;
  }
  if (!NUMERIC_LITERAL.test(value)) return undefined;
  if (type === 'decimal' || type === 'bigint') return value;
  if (type === 'smallint' || type === 'integer' || type === 'float') return Number(value);
  return undefined;
}

/** Maps a referential action as databases print it (`NO ACTION`, `a`, `cascade`) to keelson's spelling. */
export function referentialAction(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const codes: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  const text = String(raw).trim();
  return codes[text] ?? text.toUpperCase();
}

/**
 * The strings of a comma-separated list of SQL string literals (`'a', 'it''s'`), each optionally followed by
 * `cast` (PostgreSQL's `::text`); undefined when anything else is in the list.
 */
export function quotedList(text: string, cast?: RegExp): string[] | undefined {
  const suffix = cast ? `(?:${cast.source})?` : '';
  const item = new RegExp(`^\\s*'((?:[^']|'')*)'${suffix}\\s*(,|$)`, 'i');
  const values: string[] = [];
  let rest = text;
  for (;;) {
    const m = item.exec(rest);
    if (!m) return undefined;
    values.push(m[1].replace(/''/g, "'"));
    rest = rest.slice(m[0].length);
    if (m[2] === '') return values;
  }
}

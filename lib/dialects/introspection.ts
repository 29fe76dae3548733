import type { FieldType } from '../metadata/types';

/** A live column as the database reports it, mapped to keelson's field types. */
export interface IntrospectedColumn {
  name: string;
  /** The closest keelson field type. */
  type: FieldType;
  /** The database's own type name (e.g. `character varying`, `NVARCHAR(120)`), for messages and comments. */
  dbType: string;
  nullable: boolean;
  primaryKey: boolean;
  autoincrement: boolean;
  /** A literal default (`'draft'`, `0`, `true`), when the database has one keelson can express. */
  default?: string | number | boolean;
  /** Whether the database fills the column when an insert leaves it out (any default, literal or not). */
  hasDefault?: boolean;
  /** Allowed values of an enum column. */
  choices?: string[];
  maxLength?: number;
  precision?: number;
  scale?: number;
  unique: boolean;
}

/** A live foreign key (single column). */
export interface IntrospectedForeignKey {
  column: string;
  table: string;
  references: string;
  onDelete?: string;
  onUpdate?: string;
}

/** A live table. */
export interface IntrospectedTable {
  name: string;
  schema?: string;
  columns: IntrospectedColumn[];
  foreignKeys: IntrospectedForeignKey[];
  /** Multi-column unique constraints / unique indexes (column lists). */
  uniqueTogether: string[][];
}

/** What a database type name maps to: the field type and the numbers in its parentheses. */
export interface MappedType {
  type: FieldType;
  maxLength?: number;
  precision?: number;
  scale?: number;
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
  if (/^(int|integer|int2|int4|smallint|tinyint|mediumint|serial|smallserial|serial4|int unsigned)$/.test(base)) return { type: 'integer' };
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

/**
 * A literal default as the database prints it (`'draft'`, `'it''s'::character varying`, `0`, `(1.5)`,
 * `true`), or undefined for expressions (`now()`, `nextval(…)`, `CURRENT_TIMESTAMP`) and NULL.
 */
export function literalDefault(raw: unknown, type: FieldType): string | number | boolean | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') return type === 'boolean' ? raw !== 0 : raw;
  let text = String(raw).trim();
  while (/^\(.*\)$/.test(text)) text = text.slice(1, -1).trim();
  const quoted = /^'((?:[^']|'')*)'(?:::[\w\s."]+(?:\[\])?)?$/.exec(text);
  if (quoted) {
    const value = quoted[1].replace(/''/g, "'");
    if (['integer', 'bigint', 'float', 'decimal'].includes(type) && /^-?\d+(\.\d+)?$/.test(value)) return type === 'decimal' || type === 'bigint' ? value : Number(value);
    if (type === 'boolean') return ['1', 't', 'true', 'y', 'yes', 'on'].includes(value.toLowerCase());
    return value;
  }
  const bare = text.replace(/::[\w\s."]+$/, '');
  if (/^-?\d+(\.\d+)?$/.test(bare)) {
    if (type === 'boolean') return Number(bare) !== 0;
    return type === 'decimal' || type === 'bigint' ? bare : Number(bare);
  }
  if (/^(true|false)$/i.test(bare)) return bare.toLowerCase() === 'true';
  return undefined;
}

/** Maps a referential action as databases print it (`NO ACTION`, `a`, `cascade`) to keelson's spelling. */
export function referentialAction(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const codes: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  const text = String(raw).trim();
  return codes[text] ?? text.toUpperCase();
}

import type { ColumnDefinition } from '../../metadata/table-definition';
import type { FieldType } from '../../metadata/types';
import { regularTypeName } from '../raw-column';

/** PostgreSQL type names as `format_type` prints them: what keelson writes and what a `dbType` is compared as. */

/** Short names and synonyms → the name `format_type` prints (sizes handled by `normalizePostgresType`). */
const SYNONYMS: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  int2: 'smallint',
  int8: 'bigint',
  serial: 'integer',
  serial4: 'integer',
  smallserial: 'smallint',
  serial2: 'smallint',
  bigserial: 'bigint',
  serial8: 'bigint',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  decimal: 'numeric',
  varchar: 'character varying',
  char: 'character',
  bpchar: 'character',
  varbit: 'bit varying',
  timestamptz: 'timestamp with time zone',
  timetz: 'time with time zone',
};

/**
 * A PostgreSQL type as `format_type` would print it, so a model's `dbType` and the live column compare by name:
 * synonyms spelled out (`int4` → `integer`, `varchar(20)` → `character varying(20)`, `timestamptz(3)` →
 * `timestamp(3) with time zone`), `char` → `character(1)`, `numeric(p)` → `numeric(p,0)`, `timestamp(6)` → `timestamp`, array bounds dropped
 * (`int[3][]` → `integer[]`: PostgreSQL keeps none), `pg_catalog.`/`public.` dropped.
 */
export function normalizePostgresType(text: string): string {
  let name = regularTypeName(text);
  let array = '';
  for (let m = /\[\d*\]$/.exec(name); m; m = /\[\d*\]$/.exec(name)) {
    array = '[]';
    name = name.slice(0, m.index);
  }
  if (/ array$/.test(name)) {
    array = '[]';
    name = name.slice(0, -' array'.length);
  }
  name = name.replace(/^(pg_catalog|public)\./, '');
  const m = /^([a-z_][a-z0-9_ ]*?)(?:\((\d+(?:,\d+)?)\))?((?: with(?:out)? time zone)?)$/.exec(name);
  if (!m) return name + array;
  let [, base, args = '', zone = ''] = m;
  base = SYNONYMS[base] ?? base;
  if (base === 'float' || base === 'double precision' || base === 'real') {
    // float(p): real up to 24 binary digits, double precision above; plain float is double precision.
    if (base === 'float') base = args && Number(args) <= 24 ? 'real' : 'double precision';
    args = '';
  }
  if (base === 'timestamp with time zone' || base === 'time with time zone') {
    zone = ' with time zone';
    base = base.split(' ')[0];
  }
  if (base === 'timestamp without time zone' || base === 'time without time zone') {
    zone = ' without time zone';
    base = base.split(' ')[0];
  }
  // 6 fractional digits is the default: `timestamp(6)` and `timestamp` are one type.
  if ((base === 'timestamp' || base === 'time') && args === '6') args = '';
  if (base === 'timestamp' || base === 'time') return `${base}${args ? `(${args})` : ''}${zone || ' without time zone'}${array}`;
  if (base === 'character' && !args) args = '1';
  if (base === 'bit' && !args) args = '1';
  if (base === 'numeric' && args && !args.includes(',')) args += ',0';
  return `${base}${args ? `(${args})` : ''}${zone}${array}`;
}

/** The type keelson's DDL gives a (non-array) field type, as `format_type` prints it. */
export function postgresScalarType(type: FieldType, c: Pick<ColumnDefinition, 'maxLength' | 'precision' | 'scale' | 'timezone'>): string {
  switch (type) {
    case 'smallint':
      return 'smallint';
    case 'integer':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'float':
      return 'double precision';
    case 'decimal':
      return `numeric(${c.precision ?? 10},${c.scale ?? 2})`;
    case 'string':
      return `character varying(${c.maxLength ?? 255})`;
    case 'datetime':
      return `timestamp${c.precision !== undefined ? `(${c.precision})` : ''} ${c.timezone === false ? 'without' : 'with'} time zone`;
    case 'time':
      return 'time without time zone';
    case 'json':
      return 'jsonb';
    case 'binary':
      return 'bytea';
    case 'boolean':
    case 'date':
    case 'uuid':
    case 'text':
      return type;
    case 'enum':
    case 'array':
      // An enum is text with a CHECK; arrays of arrays do not exist (the builder refuses both as elements).
      return 'text';
  }
}

/** The whole type a raw column (dbType, array or generated) has in keelson's DDL on PostgreSQL. */
export function postgresRawType(c: ColumnDefinition): string {
  if (c.dbType !== undefined) return c.dbType;
  if (c.type === 'array') return `${postgresScalarType(c.of ?? 'text', c)}[]`;
  return postgresScalarType(c.type, c);
}

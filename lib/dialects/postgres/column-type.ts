import type { ColumnDefinition } from '../../metadata/table-definition';
import type { IntrospectedColumn } from '../introspection';
import { isType, sameChoices, sameDecimalSize, stringLength, typeParts } from '../common';
import { liveTypeName } from '../introspection';
import { normalizePostgresType, postgresRawType } from './type-names';

/** The information_schema `data_type` keelson's DDL gives each field type (enum aside). */
const DATA_TYPE = {
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
  float: 'double precision',
  decimal: 'numeric',
  string: 'character varying',
  text: 'text',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp with time zone',
  time: 'time without time zone',
  json: 'jsonb',
  uuid: 'uuid',
  binary: 'bytea',
} as const;

/**
 * Whether a live PostgreSQL column has the type keelson gives `column`: integer `integer` (`serial` for an
 * auto-increment key, still an integer), bigint `bigint` (`bigserial`), float `double precision`, decimal
 * `numeric(p,s)`, string `varchar(n)`, text `text`, boolean, date, datetime `timestamptz` (`timestamp` with
 * `timezone: false`; `(p)` with a `precision` other than 6), time `time` (without time zone), json `jsonb`,
 * uuid `uuid`, binary `bytea`, enum `text` with `CHECK (column IN (…))`.
 *
 * Enum choices are compared as a set (the CHECK's order means nothing); introspection reads them from the
 * constraint as PostgreSQL prints it. A native PostgreSQL enum type with the same labels also matches: keelson
 * does not create one, but its values behave the same and rewriting it would be no change to the model.
 * Everything else is exact (`timestamp` without time zone is only a datetime with `timezone: false`, nor is
 * `json` a jsonb). A `dbType` and an array (`of`'s type followed by `[]`) are compared with the live type as
 * `format_type` prints it, both spelled out the same way (`varchar(20)[]` is `character varying(20)[]`).
 */
export function postgresColumnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean {
  // A dbType, and an array's element type, are compared by name as format_type spells them.
  if (column.dbType !== undefined || column.type === 'array') {
    return normalizePostgresType(postgresRawType(column)) === normalizePostgresType(liveTypeName(live));
  }
  // A domain or another type of the database's own is none of keelson's types (a native enum aside: see above).
  if (live.custom && !(column.type === 'enum' && live.type === 'enum')) return false;
  const have = typeParts(live.dbType);
  switch (column.type) {
    case 'enum':
      return live.type === 'enum' && sameChoices(column.choices, live.choices, false);
    case 'decimal':
      return have.base === DATA_TYPE.decimal && sameDecimalSize(column, live);
    case 'string':
      return have.base === DATA_TYPE.string && live.maxLength === stringLength(column);
    case 'text':
      return isType(have, 'text') && live.type !== 'enum';
    case 'datetime':
      // `timestamptz`, or `timestamp` for `timezone: false`; 6 fractional digits unless `precision` says otherwise.
      return isType(have, column.timezone === false ? 'timestamp without time zone' : DATA_TYPE.datetime) && (live.precision ?? 6) === (column.precision ?? 6);
    default:
      return isType(have, DATA_TYPE[column.type]);
  }
}

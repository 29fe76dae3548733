import type { ColumnDefinition } from '../../metadata/table-definition';
import type { IntrospectedColumn } from '../introspection';
import { isType, sameChoices, sameDecimalSize, stringLength, typeParts } from '../common';

/** The information_schema `data_type` keelson's DDL gives each field type (enum aside). */
const DATA_TYPE = {
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
 * `json` a jsonb).
 */
export function postgresColumnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean {
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

import type { ColumnDefinition } from '../../metadata/table-definition';
import type { IntrospectedColumn } from '../introspection';
import { decimalSize, isType, sameChoices, stringLength, typeParts } from '../common';
import { regularTypeName } from '../raw-column';

/** SQL's names of a variable-length string (national ones included); all are TEXT to SQLite. */
const VARCHAR_NAMES = [
  'varchar',
  'nvarchar',
  'character varying',
  'varying character',
  'national varchar',
  'national character varying',
  'nchar varying',
  'national char varying',
];

/**
 * Whether a live SQLite column has the declared type keelson (through knex) gives `column`. SQLite keeps the
 * declared type as written, except that it prints the names of its own storage classes in capitals
 * (`INTEGER`, `TEXT`, `BLOB`, `REAL`): names are compared ignoring case and spacing.
 *
 * A `dbType` is compared with the declared type by name. What keelson declares: smallint and integer `integer`, bigint `bigint`, an auto-increment key `integer` (SQLite's rowid),
 * float and decimal `float`, string `varchar(n)`, text `text`, boolean `boolean`, date `date`, datetime
 * `datetime` (its `precision` and `timezone` mean nothing to SQLite), time `time`, json `json`, uuid
 * `char(36)`, binary `blob`, enum `text` with `CHECK (column IN (…))` (its choices, read from the CREATE TABLE
 * statement, come back as `choices`).
 *
 * What SQLite cannot tell apart, so these match each other:
 * - float and decimal: knex declares both `float`, and no precision or scale is kept, so a decimal's size
 *   changes are not seen either (a column declared `decimal(p,s)` / `numeric(p,s)` by hand is compared by size);
 * - integer and bigint auto-increment keys: both are `integer primary key`;
 * - float also matches the other REAL names (`real`, `double`, `double precision`), which store the same way;
 * - string `varchar(n)` also matches the other names of a variable-length string of that length (`nvarchar(n)`,
 *   `character varying(n)`, …): SQLite gives them the same TEXT affinity and enforces none of their lengths.
 */
export function sqliteColumnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean {
  // A dbType is the declared type, which SQLite keeps as written (compared ignoring case and spacing).
  if (column.dbType !== undefined) return regularTypeName(column.dbType) === regularTypeName(live.dbType);
  const have = typeParts(live.dbType || 'text');
  switch (column.type) {
    case 'smallint':
      // knex declares a smallint `integer`; both are INTEGER to SQLite.
      return isType(have, 'integer') || isType(have, 'smallint');
    case 'array':
      return false;
    case 'integer':
    case 'bigint':
      return isType(have, column.autoincrement ? 'integer' : column.type);
    case 'float':
      return ['float', 'real', 'double', 'double precision'].some((name) => isType(have, name));
    case 'decimal': {
      if (isType(have, 'float')) return true;
      const { precision, scale } = decimalSize(column);
      return isType(have, 'decimal', [precision, scale]) || isType(have, 'numeric', [precision, scale]);
    }
    case 'string':
      return VARCHAR_NAMES.some((name) => isType(have, name, [stringLength(column)]));
    case 'text':
      return isType(have, 'text') && live.choices === undefined;
    case 'boolean':
      return isType(have, 'boolean');
    case 'date':
    case 'datetime':
    case 'time':
    case 'json':
      return isType(have, column.type);
    case 'uuid':
      return isType(have, 'char', [36]);
    case 'binary':
      return isType(have, 'blob');
    case 'enum':
      return isType(have, 'text') && sameChoices(column.choices, live.choices, false);
  }
}

/** The type keelson declares for a field type on SQLite, for a generated column given no dbType. */
export function sqliteTypeName(c: ColumnDefinition): string {
  switch (c.type) {
    case 'smallint':
    case 'integer':
      return 'integer';
    case 'enum':
    case 'array':
      return 'text';
    case 'float':
    case 'decimal':
      return 'float';
    case 'string':
      return `varchar(${stringLength(c)})`;
    case 'uuid':
      return 'char(36)';
    case 'binary':
      return 'blob';
    default:
      return c.type;
  }
}

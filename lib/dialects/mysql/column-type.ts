import type { ColumnDefinition } from '../../metadata/table-definition';
import type { IntrospectedColumn } from '../introspection';
import { isType, sameChoices, sameDecimalSize, stringLength, typeParts } from '../common';
import { regularTypeName } from '../raw-column';

/**
 * Whether a live MySQL/MariaDB column has the type keelson gives `column`: integer `int` and bigint `bigint`
 * (unsigned for an auto-increment key and for a foreign key to one; the display width MariaDB prints,
 * `int(11)`, means nothing), float `double`, decimal `decimal(p,s)`, string `varchar(n)`, text `text`, boolean
 * `tinyint(1)`, date, datetime `datetime(3)` (or the `precision` given: `datetime(0)` prints as `datetime`;
 * `timezone` means nothing here, MySQL's datetime has none), time `time`, json `json` (MariaDB: a `longtext`
 * with a `json_valid` check, which introspection reports as json), uuid `char(36)`, binary `blob`, enum
 * `enum('a', …)` with its choices in order (the order is part of the type: it decides sorting and indexes), smallint
 * `smallint`; a `dbType` is compared by name (see `normalizeMysqlType`).
 * Collations are not compared.
 */
export function mysqlColumnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean {
  if (column.dbType !== undefined) return normalizeMysqlType(column.dbType) === normalizeMysqlType(live.dbType);
  const have = typeParts(live.dbType);
  switch (column.type) {
    case 'smallint':
      return have.base === 'smallint' && !have.modifiers.includes('unsigned');
    case 'array':
      return false;
    case 'integer':
    case 'bigint': {
      const base = column.type === 'integer' ? 'int' : 'bigint';
      const unsigned = column.autoincrement || column.referencesAutoincrement === true;
      return have.base === base && have.modifiers.includes('unsigned') === unsigned;
    }
    case 'float':
      return isType(have, 'double');
    case 'decimal':
      return have.base === 'decimal' && sameDecimalSize(column, live);
    case 'string':
      return isType(have, 'varchar', [stringLength(column)]);
    case 'text':
      return isType(have, 'text') && live.type === 'text';
    case 'boolean':
      return isType(have, 'tinyint', [1]);
    case 'datetime':
      // `datetime(p)`; MariaDB prints `datetime(0)` as `datetime`.
      return have.base === 'datetime' && have.args.length <= 1 && (have.args[0] ?? 0) === (column.precision ?? 3);
    case 'time':
      return isType(have, 'time') || isType(have, 'time', [0]);
    case 'date':
      return isType(have, 'date');
    case 'json':
      return live.type === 'json';
    case 'uuid':
      return isType(have, 'char', [36]);
    case 'binary':
      return isType(have, 'blob');
    case 'enum':
      return have.base === 'enum' && sameChoices(column.choices, live.choices, true);
  }
}

/** Synonyms MySQL/MariaDB print under another name. */
const MYSQL_SYNONYMS: Record<string, string> = {
  integer: 'int',
  bool: 'tinyint',
  boolean: 'tinyint',
  dec: 'decimal',
  numeric: 'decimal',
  'double precision': 'double',
  real: 'double',
};

/**
 * A MySQL/MariaDB type as `column_type` prints it, for comparing a `dbType`: lowercase outside quotes, synonyms
 * spelled out, and integer display widths dropped (`mediumint(9)` is `mediumint`: MariaDB prints them, MySQL 8
 * does not, and they change nothing), as is `year(4)`'s.
 */
export function normalizeMysqlType(text: string): string {
  const name = regularTypeName(text);
  const m = /^([a-z]+(?: precision)?)(\([^)]*\))?(.*)$/s.exec(name);
  if (!m) return name;
  const base = MYSQL_SYNONYMS[m[1]] ?? m[1];
  const widthOnly = /^(tinyint|smallint|mediumint|int|bigint|year)$/.test(base);
  return `${base}${widthOnly ? '' : (m[2] ?? '')}${m[3]}`;
}

/** The type keelson declares for a field type on MySQL/MariaDB, for a generated column given no dbType. */
export function mysqlTypeName(c: ColumnDefinition): string {
  switch (c.type) {
    case 'integer':
      return 'int';
    case 'float':
      return 'double';
    case 'decimal':
      return `decimal(${c.precision ?? 10},${c.scale ?? 2})`;
    case 'string':
      return `varchar(${stringLength(c)})`;
    case 'boolean':
      return 'tinyint(1)';
    case 'datetime':
      return `datetime(${c.precision ?? 3})`;
    case 'uuid':
      return 'char(36)';
    case 'binary':
      return 'blob';
    case 'enum':
    case 'array':
      return 'text';
    default:
      return c.type;
  }
}

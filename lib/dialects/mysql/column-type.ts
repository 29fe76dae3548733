import type { ColumnDefinition } from '../../metadata/table-definition';
import type { IntrospectedColumn } from '../introspection';
import { isType, sameChoices, sameDecimalSize, stringLength, typeParts } from '../common';

/**
 * Whether a live MySQL/MariaDB column has the type keelson gives `column`: integer `int` and bigint `bigint`
 * (unsigned for an auto-increment key and for a foreign key to one; the display width MariaDB prints,
 * `int(11)`, means nothing), float `double`, decimal `decimal(p,s)`, string `varchar(n)`, text `text`, boolean
 * `tinyint(1)`, date, datetime `datetime(3)` (or the `precision` given: `datetime(0)` prints as `datetime`;
 * `timezone` means nothing here, MySQL's datetime has none), time `time`, json `json` (MariaDB: a `longtext`
 * with a `json_valid` check, which introspection reports as json), uuid `char(36)`, binary `blob`, enum
 * `enum('a', …)` with its choices in order (the order is part of the type: it decides sorting and indexes).
 * Collations are not compared.
 */
export function mysqlColumnTypeMatches(column: ColumnDefinition, live: IntrospectedColumn): boolean {
  const have = typeParts(live.dbType);
  switch (column.type) {
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

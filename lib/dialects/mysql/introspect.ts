import type { Knex } from 'knex';
import {
  applySizes,
  IntrospectedColumn,
  IntrospectedTable,
  literalDefault,
  mapDatabaseType,
  MappedType,
  NUMERIC_LITERAL,
  referentialAction,
} from '../introspection';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  column_type: string;
  is_nullable: string;
  column_default: string | null;
  character_maximum_length: number | string | null;
  numeric_precision: number | string | null;
  numeric_scale: number | string | null;
  datetime_precision: number | string | null;
  extra: string;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  column_name: string | null;
  non_unique: number | string;
  seq: number | string;
}
interface ForeignKeyRow {
  table_name: string;
  name: string;
  column_name: string;
  target: string;
  references: string;
  on_update: string;
  on_delete: string;
}

const rowsOf = async <T>(knex: Knex | Knex.Transaction, sql: string, bindings: unknown[]): Promise<T[]> => {
  const [rows] = await knex.raw(sql, bindings as never[]);
  return rows as T[];
};

/** `enum('a','it''s')` → `['a', "it's"]`. */
function enumChoices(columnType: string): string[] {
  const body = /^enum\((.*)\)$/i.exec(columnType.trim())?.[1] ?? '';
  const choices: string[] = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/g;
  for (let m = re.exec(body); m; m = re.exec(body)) choices.push(m[1].replace(/''/g, "'").replace(/\\(.)/g, '$1'));
  return choices;
}

type Connection = Knex | Knex.Transaction;

/** Which tables to read: `filter` the SQL that keeps only the wanted tables, and `args` its bindings after the schema's. */
interface Scope {
  db: string | null;
  filter: string;
  args: (...first: unknown[]) => unknown[];
}

/** What the index rows tell a column: its table's primary-key columns, and whether it is unique on its own. */
interface KeyColumns {
  pkOf: Map<string, Set<string>>;
  uniqueOf: Set<string>;
}

interface GroupedIndex {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
}

function scopeOf(schema: string | undefined, only: readonly string[] | undefined): Scope {
  const filter = only ? (only.length ? ` and table_name in (${only.map(() => '?').join(', ')})` : ' and false') : '';
  const args = (...first: unknown[]) => [...first, ...(only ?? [])];
  return { db: schema ?? null, filter, args };
}

function readTableNames(knex: Connection, { db, filter, args }: Scope): Promise<{ name: string }[]> {
  return rowsOf<{ name: string }>(
    knex,
    `select table_name as name from information_schema.tables
      where table_schema = coalesce(?, database()) and table_type = 'BASE TABLE'${filter} order by table_name`,
    args(db),
  );
}

function readColumns(knex: Connection, { db, filter, args }: Scope): Promise<ColumnRow[]> {
  return rowsOf<ColumnRow>(
    knex,
    `select table_name as table_name, column_name as column_name, data_type as data_type, column_type as column_type,
            is_nullable as is_nullable, column_default as column_default, character_maximum_length as character_maximum_length,
            numeric_precision as numeric_precision, numeric_scale as numeric_scale,
            datetime_precision as datetime_precision, extra as extra
       from information_schema.columns where table_schema = coalesce(?, database())${filter}
      order by table_name, ordinal_position`,
    args(db),
  );
}

function readIndexes(knex: Connection, { db, filter, args }: Scope): Promise<IndexRow[]> {
  return rowsOf<IndexRow>(
    knex,
    `select table_name as table_name, index_name as index_name, column_name as column_name, non_unique as non_unique, seq_in_index as seq
       from information_schema.statistics where table_schema = coalesce(?, database())${filter}
      order by table_name, index_name, seq_in_index`,
    args(db),
  );
}

function readForeignKeys(knex: Connection, { db, filter, args }: Scope): Promise<ForeignKeyRow[]> {
  return rowsOf<ForeignKeyRow>(
    knex,
    `select k.table_name as table_name, k.constraint_name as name, k.column_name as column_name, k.referenced_table_name as target,
            k.referenced_column_name as \`references\`, r.update_rule as on_update, r.delete_rule as on_delete
       from information_schema.key_column_usage k
       join information_schema.referential_constraints r
         on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name and r.table_name = k.table_name
      where k.table_schema = coalesce(?, database()) and k.referenced_table_name is not null${filter.replace('table_name', 'k.table_name')}
      order by k.table_name, k.constraint_name, k.ordinal_position`,
    args(db),
  );
}

/** MariaDB stores JSON as longtext guarded by a json_valid() check: those columns, as `table.column`. */
async function readJsonColumns(knex: Connection, { db, filter, args }: Scope): Promise<Set<string>> {
  try {
    const checks = await rowsOf<{ table_name: string; clause: string }>(
      knex,
      `select table_name as table_name, check_clause as clause from information_schema.check_constraints
        where constraint_schema = coalesce(?, database()) and check_clause like 'json_valid(%'${filter}`,
      args(db),
    );
    return new Set(checks.map((c) => `${c.table_name}.${/json_valid\(`?([^`)]+)`?\)/i.exec(c.clause)?.[1] ?? ''}`));
  } catch {
    // No check_constraints view (older MySQL): JSON columns report their own type there anyway.
    return new Set<string>();
  }
}

/** The statistics rows (one per key part) gathered into indexes, keyed `table\0index`, key parts in order. */
function groupIndexes(indexRows: IndexRow[]): Map<string, GroupedIndex> {
  const indexes = new Map<string, GroupedIndex>();
  for (const row of indexRows) {
    const key = `${row.table_name}\u0000${row.index_name}`;
    if (!indexes.has(key)) indexes.set(key, { table: row.table_name, name: row.index_name, columns: [], unique: Number(row.non_unique) === 0 });
    indexes.get(key)!.columns.push(row.column_name ?? '');
  }
  return indexes;
}

/**
 * Adds each table's indexes (sorted by name) and unique-together lists, and returns its primary-key columns and
 * its single-column unique columns.
 */
function applyIndexes(tables: Map<string, IntrospectedTable>, indexRows: IndexRow[], fkRows: ForeignKeyRow[]): KeyColumns {
  const indexes = groupIndexes(indexRows);
  // InnoDB gives a foreign key without a usable index one of its own, named after the constraint.
  const fkNames = new Set(fkRows.map((fk) => `${fk.table_name}\u0000${fk.name}`));
  const pkOf = new Map<string, Set<string>>();
  const uniqueOf = new Set<string>();
  for (const [key, index] of indexes) {
    const table = tables.get(index.table);
    // A functional key part (MySQL 8) has no column name: not a column list.
    if (!table || index.columns.includes('')) continue;
    if (index.name === 'PRIMARY') {
      pkOf.set(index.table, new Set(index.columns));
      continue;
    }
    if (!index.unique && fkNames.has(key)) continue;
    table.indexes.push({ name: index.name, columns: index.columns, unique: index.unique });
    if (!index.unique) continue;
    if (index.columns.length === 1) uniqueOf.add(`${index.table}.${index.columns[0]}`);
    else table.uniqueTogether.push(index.columns);
  }
  for (const table of tables.values()) table.indexes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { pkOf, uniqueOf };
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** One information_schema column row as an introspected column. */
function introspectedColumn(row: ColumnRow, { pkOf, uniqueOf }: KeyColumns, jsonColumns: Set<string>): IntrospectedColumn {
  const isJson = row.data_type.toLowerCase() === 'json' || jsonColumns.has(`${row.table_name}.${row.column_name}`);
  const mapped: MappedType = isJson
    ? { type: 'json' }
    : mapDatabaseType(row.column_type.toLowerCase().startsWith('tinyint(1)') ? 'tinyint(1)' : row.data_type, {
        length: num(row.character_maximum_length),
        precision: num(row.numeric_precision),
        scale: num(row.numeric_scale),
      });
  if (mapped.type === 'binary' || mapped.type === 'json' || mapped.type === 'text') delete mapped.maxLength;
  const primaryKey = pkOf.get(row.table_name)?.has(row.column_name) === true;
  const extra = (row.extra ?? '').toLowerCase();
  // MariaDB prints NULL defaults as the word NULL and quotes literals; MySQL prints literals bare.
  const rawDefault = row.column_default === null || row.column_default === 'NULL' ? null : row.column_default;
  const expression = extra.includes('default_generated') || (rawDefault !== null && /^[a-z_]+\(.*\)$|^current_timestamp/i.test(rawDefault));
  const column: IntrospectedColumn = {
    name: row.column_name,
    type: mapped.type,
    dbType: row.column_type,
    nullable: !primaryKey && row.is_nullable === 'YES',
    primaryKey,
    autoincrement: extra.includes('auto_increment'),
    unique: uniqueOf.has(`${row.table_name}.${row.column_name}`),
    hasDefault: rawDefault !== null || extra.includes('auto_increment'),
  };
  if (rawDefault !== null && !expression) {
    const quotedOrNumber = /^'.*'$/s.test(rawDefault) || NUMERIC_LITERAL.test(rawDefault);
    // MariaDB writes quoted defaults as SQL literals: '' for a quote, and backslash escapes for \\ and control characters.
    const literal = quotedOrNumber
      ? literalDefault(rawDefault, mapped.type, { backslashEscapes: true })
      : ['string', 'text', 'enum', 'date', 'time', 'datetime', 'uuid'].includes(mapped.type)
        ? rawDefault
        : undefined;
    if (literal !== undefined) column.default = literal;
  }
  applySizes(column, mapped);
  // Fractional-second digits: `datetime` is 0, keelson's `datetime(3)` 3.
  if (mapped.type === 'datetime' && row.datetime_precision !== null) column.precision = Number(row.datetime_precision);
  if (mapped.type === 'enum') column.choices = enumChoices(row.column_type);
  return column;
}

/** Adds each foreign key's column (one row per column pair) to its table. */
function applyForeignKeys(tables: Map<string, IntrospectedTable>, fkRows: ForeignKeyRow[]): void {
  for (const fk of fkRows) {
    tables.get(fk.table_name)?.foreignKeys.push({
      name: fk.name,
      column: fk.column_name,
      table: fk.target,
      references: fk.references,
      onDelete: referentialAction(fk.on_delete),
      onUpdate: referentialAction(fk.on_update),
    });
  }
}

/**
 * Reads live MySQL/MariaDB tables of `schema` (the connection's database when omitted) from
 * information_schema: columns (types, sizes, defaults, auto_increment), primary keys and indexes
 * (`statistics`; InnoDB's own indexes for foreign keys left out), foreign keys with their names and actions
 * (`key_column_usage` + `referential_constraints`), and MariaDB's JSON columns (a longtext with a `json_valid` check).
 */
export async function introspectMysql(knex: Connection, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]> {
  const scope = scopeOf(schema, only);
  const tableRows = await readTableNames(knex, scope);
  if (!tableRows.length) return [];
  const columnRows = await readColumns(knex, scope);
  const indexRows = await readIndexes(knex, scope);
  const fkRows = await readForeignKeys(knex, scope);
  const jsonColumns = await readJsonColumns(knex, scope);

  const tables = new Map<string, IntrospectedTable>();
  for (const { name } of tableRows) tables.set(name, { name, schema, columns: [], foreignKeys: [], uniqueTogether: [], indexes: [] });
  const keys = applyIndexes(tables, indexRows, fkRows);
  for (const row of columnRows) tables.get(row.table_name)?.columns.push(introspectedColumn(row, keys, jsonColumns));
  applyForeignKeys(tables, fkRows);
  return [...tables.values()];
}

import type { Knex } from 'knex';
import { typeParts } from '../common';
import {
  applySizes,
  IntrospectedColumn,
  IntrospectedForeignKey,
  IntrospectedTable,
  literalDefault,
  mapDatabaseType,
  MappedType,
  quotedList,
  referentialAction,
} from '../introspection';
import { INDEX_COLUMNS_FROM } from './index-sql';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  udt_schema: string;
  is_nullable: string;
  column_default: string | null;
  character_maximum_length: number | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
  is_identity: string;
  domain_name: string | null;
  is_generated: string | null;
  generation_expression: string | null;
  /** `format_type` of the column: its whole type as DDL spells it. */
  formatted: string;
}

interface IndexRow {
  table_name: string;
  index_name: string;
  is_primary: boolean;
  is_unique: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  table_name: string;
  name: string;
  target: string;
  columns: string[];
  targets: string[];
  on_update: string;
  on_delete: string;
}
interface CheckRow {
  table_name: string;
  column_name: string;
  name: string;
  definition: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The choices of keelson's enum, a text column with `CHECK (column IN ('a', …))`, from the constraint as
 * PostgreSQL prints it: `CHECK ((status = ANY (ARRAY['a'::text, 'b'::text])))`, or `CHECK ((status = 'a'::text))`
 * for a single choice. Anything else (another shape, NOT VALID) gives undefined.
 */
export function checkChoices(definition: string, column: string): string[] | undefined {
  const name = `(?:${escapeRegExp(column)}|"${escapeRegExp(column.replace(/"/g, '""'))}")`;
  const any = new RegExp(`^CHECK \\(\\(${name} = ANY \\(ARRAY\\[(.*)\\]\\)\\)\\)$`, 's').exec(definition);
  if (any) return quotedList(any[1], /::text/);
  const one = new RegExp(`^CHECK \\(\\(${name} = ('(?:[^']|'')*'::text)\\)\\)$`, 's').exec(definition);
  return one ? quotedList(one[1], /::text/) : undefined;
}

/** An array's element type (`character varying(20)`, `numeric(10,2)`) mapped with its sizes. */
function elementType(element: string): MappedType {
  const { base, args } = typeParts(element);
  return mapDatabaseType(base, { length: args[0], precision: args[0], scale: args[1] });
}

type Connection = Knex | Knex.Transaction;
type EnumRow = { schema: string; name: string; labels: string[] };
/** A text column's CHECK list: its choices and the constraint's name (null: two lists on one column). */
type CheckChoices = { choices: string[]; name: string } | null;

/** Which tables to read: `ns` the schema (null: the current one), `names` the tables (null: all of them). */
interface Scope {
  ns: string | null;
  names: string[] | null;
}

/** What the index and constraint rows tell a column: primary-key and unique columns, CHECK lists, enum labels. */
interface ColumnContext {
  pkOf: Map<string, Set<string>>;
  uniqueOf: Map<string, Set<string>>;
  checks: Map<string, CheckChoices>;
  enums: Map<string, string[]>;
}

async function readTableNames(knex: Connection, { ns, names }: Scope): Promise<{ table_name: string }[]> {
  return (
    await knex.raw(
      `select table_name from information_schema.tables
        where table_schema = coalesce(?::text, current_schema()) and table_type = 'BASE TABLE'
          and (?::text[] is null or table_name = any(?::text[]))
        order by table_name`,
      [ns, names, names],
    )
  ).rows as { table_name: string }[];
}

/**
 * The columns of the scope's tables. `formatted` joins pg_class by name rather than `to_regclass()`: a catalog
 * scan reads the statement's snapshot, as information_schema does, while `to_regclass()` sees the catalog as it
 * is now, so a table dropped by another session during the read gave columns without a type (and a TypeError).
 */
async function readColumns(knex: Connection, { ns, names }: Scope): Promise<ColumnRow[]> {
  return (
    await knex.raw(
      `select table_name, column_name, data_type, udt_name, udt_schema, is_nullable, column_default,
              character_maximum_length, numeric_precision, numeric_scale, datetime_precision, is_identity,
              domain_name, is_generated, generation_expression,
              (select format_type(a.atttypid, a.atttypmod)
                 from pg_attribute a join pg_class r on r.oid = a.attrelid join pg_namespace n on n.oid = r.relnamespace
                where n.nspname = c.table_schema and r.relname = c.table_name and a.attname = c.column_name) as formatted
         from information_schema.columns c
        where table_schema = coalesce(?::text, current_schema())
          and (?::text[] is null or table_name = any(?::text[]))
        order by table_name, ordinal_position`,
      [ns, names, names],
    )
  ).rows as ColumnRow[];
}

/**
 * Every index over plain key columns (partial, expression and exclusion indexes are not column lists);
 * INCLUDE columns are not key columns and are left out.
 */
async function readIndexes(knex: Connection, { ns, names }: Scope): Promise<IndexRow[]> {
  return (
    await knex.raw(
      `select t.relname as table_name, ic.relname as index_name, i.indisprimary as is_primary, i.indisunique as is_unique,
              ${INDEX_COLUMNS_FROM}
        where n.nspname = coalesce(?::text, current_schema())
          and i.indpred is null and i.indexprs is null and not i.indisexclusion
          and (?::text[] is null or t.relname = any(?::text[]))
        order by t.relname, ic.relname`,
      [ns, names, names],
    )
  ).rows as IndexRow[];
}

/** Single-column CHECK constraints: where keelson's enums keep their choices. */
async function readChecks(knex: Connection, { ns, names }: Scope): Promise<CheckRow[]> {
  return (
    await knex.raw(
      `select t.relname as table_name, a.attname::text as column_name, c.conname::text as name, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c
         join pg_class t on t.oid = c.conrelid
         join pg_namespace n on n.oid = t.relnamespace
         join pg_attribute a on a.attrelid = t.oid and a.attnum = c.conkey[1]
        where c.contype = 'c' and cardinality(c.conkey) = 1 and n.nspname = coalesce(?::text, current_schema())
          and (?::text[] is null or t.relname = any(?::text[]))`,
      [ns, names, names],
    )
  ).rows as CheckRow[];
}

async function readForeignKeys(knex: Connection, { ns, names }: Scope): Promise<ForeignKeyRow[]> {
  return (
    await knex.raw(
      `select t.relname as table_name, c.conname::text as name, ft.relname as target,
              array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, ord)
                      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.ord) as columns,
              array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, ord)
                      join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.ord) as targets,
              c.confupdtype as on_update, c.confdeltype as on_delete
         from pg_constraint c
         join pg_class t on t.oid = c.conrelid
         join pg_namespace n on n.oid = t.relnamespace
         join pg_class ft on ft.oid = c.confrelid
        where c.contype = 'f' and n.nspname = coalesce(?::text, current_schema())
          and (?::text[] is null or t.relname = any(?::text[]))
        order by t.relname, c.conname`,
      [ns, names, names],
    )
  ).rows as ForeignKeyRow[];
}

/** Every enum type's labels in sort order, keyed `schema.name`. */
async function readEnums(knex: Connection): Promise<Map<string, string[]>> {
  const enumRows = (
    await knex.raw(
      `select n.nspname as schema, t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
         from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace
        group by n.nspname, t.typname`,
    )
  ).rows as EnumRow[];
  return new Map(enumRows.map((r) => [`${r.schema}.${r.name}`, r.labels]));
}

/**
 * Adds each table's indexes and unique-together lists, and returns its primary-key columns and its
 * single-column unique columns.
 */
function applyIndexes(tables: Map<string, IntrospectedTable>, indexRows: IndexRow[]): Pick<ColumnContext, 'pkOf' | 'uniqueOf'> {
  const pkOf = new Map<string, Set<string>>();
  const uniqueOf = new Map<string, Set<string>>();
  for (const index of indexRows) {
    const table = tables.get(index.table_name);
    // An index whose key columns could not all be named (a dropped or system column) is not a column list.
    if (!table || !index.columns.length) continue;
    if (index.is_primary) {
      pkOf.set(index.table_name, new Set(index.columns));
      continue;
    }
    table.indexes.push({ name: index.index_name, columns: index.columns, unique: index.is_unique });
    if (!index.is_unique) continue;
    if (index.columns.length === 1) {
      if (!uniqueOf.has(index.table_name)) uniqueOf.set(index.table_name, new Set());
      uniqueOf.get(index.table_name)!.add(index.columns[0]);
    } else table.uniqueTogether.push(index.columns);
  }
  return { pkOf, uniqueOf };
}

/** The CHECK lists of keelson's text enums, keyed `table\0column`. */
function checkLists(checkRows: CheckRow[]): Map<string, CheckChoices> {
  const checks = new Map<string, CheckChoices>();
  for (const check of checkRows) {
    const choices = checkChoices(check.definition, check.column_name);
    if (!choices) continue;
    const key = `${check.table_name}\u0000${check.column_name}`;
    // Two IN-lists on one column are not one set of choices.
    checks.set(key, checks.has(key) ? null : { choices, name: check.name });
  }
  return checks;
}

/** One information_schema column row as an introspected column. */
function introspectedColumn(row: ColumnRow, { pkOf, uniqueOf, checks, enums }: ColumnContext): IntrospectedColumn {
  // A domain, an enum type or an extension's type (citext…) is the database's own: named by format_type.
  const custom = row.domain_name !== null || row.data_type === 'USER-DEFINED';
  const array = row.data_type === 'ARRAY';
  const check = row.data_type === 'text' && !custom ? (checks.get(`${row.table_name}\u0000${row.column_name}`) ?? undefined) : undefined;
  const labels = row.data_type === 'USER-DEFINED' ? enums.get(`${row.udt_schema}.${row.udt_name}`) : check?.choices;
  const dbType = custom || array ? row.formatted : row.data_type;
  // An array's sizes are its element's, which only format_type gives (`character varying(20)[]`).
  const element = array ? row.formatted.replace(/(\[\])+$/, '') : undefined;
  const mapped: MappedType = labels
    ? { type: 'enum' }
    : element !== undefined
      ? elementType(element)
      : mapDatabaseType(row.data_type === 'USER-DEFINED' ? row.udt_name : row.data_type, {
          length: row.character_maximum_length,
          precision: row.numeric_precision,
          scale: row.numeric_scale,
        });
  const primaryKey = pkOf.get(row.table_name)?.has(row.column_name) === true;
  const serial = typeof row.column_default === 'string' && row.column_default.startsWith('nextval(');
  const column: IntrospectedColumn = {
    name: row.column_name,
    type: element !== undefined ? 'array' : mapped.type,
    dbType: row.character_maximum_length && !custom ? `${dbType}(${row.character_maximum_length})` : dbType,
    nullable: !primaryKey && row.is_nullable === 'YES',
    primaryKey,
    autoincrement: (serial || row.is_identity === 'YES') && (mapped.type === 'integer' || mapped.type === 'bigint'),
    unique: uniqueOf.get(row.table_name)?.has(row.column_name) === true,
    hasDefault: row.column_default !== null || row.is_identity === 'YES',
  };
  const literal = serial ? undefined : literalDefault(row.column_default, mapped.type);
  if (literal !== undefined) column.default = literal;
  applySizes(column, mapped);
  if (mapped.type === 'datetime') {
    // Fractional-second digits (6 unless the type names others), and whether the type keeps a time zone.
    if (row.datetime_precision !== null) column.precision = Number(row.datetime_precision);
    if (row.data_type === 'timestamp without time zone') column.timezone = false;
  }
  if (labels) column.choices = labels;
  if (check) column.checkName = check.name;
  // `timestamp(6)` is `timestamp`: 6 digits is PostgreSQL's default, and a re-created column may spell it either way.
  column.nativeType = row.formatted.replace(/^(timestamp|time)\(6\)/, '$1');
  if (custom) column.custom = true;
  if (element !== undefined) column.of = mapped.type === 'enum' || mapped.type === 'array' ? 'text' : mapped.type;
  if (row.is_generated === 'ALWAYS' && row.generation_expression) column.generated = row.generation_expression;
  return column;
}

/** Adds each foreign key's columns to its table, one entry per column pair. */
function applyForeignKeys(tables: Map<string, IntrospectedTable>, fkRows: ForeignKeyRow[]): void {
  for (const fk of fkRows) {
    const table = tables.get(fk.table_name);
    if (!table) continue;
    fk.columns.forEach((column, i) => {
      const entry: IntrospectedForeignKey = {
        name: fk.name,
        column,
        table: fk.target,
        references: fk.targets[i],
        onDelete: referentialAction(fk.on_delete),
        onUpdate: referentialAction(fk.on_update),
      };
      table.foreignKeys.push(entry);
    });
  }
}

/**
 * Reads live PostgreSQL tables of `schema` (the current schema when omitted) from information_schema
 * (columns, types, sizes, defaults) and pg_catalog (primary keys, indexes with their names, foreign keys with
 * their names and actions, enum labels, and the CHECK lists of keelson's text enums).
 */
export async function introspectPostgres(knex: Connection, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]> {
  const scope: Scope = { ns: schema ?? null, names: only ? [...only] : null };
  const tableRows = await readTableNames(knex, scope);
  if (!tableRows.length) return [];
  const columnRows = await readColumns(knex, scope);
  const indexRows = await readIndexes(knex, scope);
  const checkRows = await readChecks(knex, scope);
  const fkRows = await readForeignKeys(knex, scope);
  const enums = await readEnums(knex);

  const tables = new Map<string, IntrospectedTable>();
  for (const { table_name } of tableRows) {
    tables.set(table_name, { name: table_name, schema: schema, columns: [], foreignKeys: [], uniqueTogether: [], indexes: [] });
  }
  const context: ColumnContext = { ...applyIndexes(tables, indexRows), checks: checkLists(checkRows), enums };
  for (const row of columnRows) tables.get(row.table_name)?.columns.push(introspectedColumn(row, context));
  applyForeignKeys(tables, fkRows);
  return [...tables.values()];
}

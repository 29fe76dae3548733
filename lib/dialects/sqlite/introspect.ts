import type { Knex } from 'knex';
import {
  applySizes,
  IntrospectedColumn,
  IntrospectedForeignKey,
  IntrospectedIndex,
  IntrospectedTable,
  literalDefault,
  mapDatabaseType,
  quotedList,
  referentialAction,
} from '../introspection';

const quote = (name: string) => `"${name.split('"').join('""')}"`;

interface TableInfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden?: number;
}
interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}
interface IndexListRow {
  seq: number;
  name: string;
  unique: number;
  origin: 'c' | 'u' | 'pk';
  partial: number;
}
interface IndexInfoRow {
  seqno: number;
  cid: number;
  name: string | null;
}

const IDENTIFIER = '`(?:[^`]|``)+`|"(?:[^"]|"")+"|\\[[^\\]]+\\]|[A-Za-z_][\\w$]*';
/**
 * In a CREATE TABLE statement: string literals, quoted identifiers and comments (skipped whole, so nothing
 * inside them is taken for a constraint), or a `CHECK (column IN ('a', 'b'))` — the form knex gives an enum.
 */
const CHECK_IN = new RegExp(
  `'(?:[^']|'')*'|\`(?:[^\`]|\`\`)*\`|"(?:[^"]|"")*"|\\[[^\\]]*\\]|--[^\\n]*|/\\*[\\s\\S]*?\\*/` +
    `|\\bcheck\\s*\\(\\s*(${IDENTIFIER})\\s+in\\s*\\(\\s*('(?:[^']|'')*'(?:\\s*,\\s*'(?:[^']|'')*')*)\\s*\\)\\s*\\)`,
  'gi',
);

const unquoteIdentifier = (name: string) => {
  const q = name[0];
  if (q === '`' || q === '"')
    return name
      .slice(1, -1)
      .split(q + q)
      .join(q);
  if (q === '[') return name.slice(1, -1);
  return name;
};

/**
 * The allowed values of each column that a `CHECK (column IN ('a', …))` restricts, read from the table's
 * CREATE TABLE statement (a column with two such checks is left out: its choices are not one list).
 */
export function checkedChoices(createTable: string | null): Map<string, string[]> {
  const found = new Map<string, string[] | null>();
  for (const m of (createTable ?? '').matchAll(CHECK_IN)) {
    if (m[1] === undefined) continue;
    const column = unquoteIdentifier(m[1]);
    const values = quotedList(m[2]);
    if (!values) continue;
    found.set(column, found.has(column) ? null : values);
  }
  const choices = new Map<string, string[]>();
  for (const [column, values] of found) if (values) choices.set(column, values);
  return choices;
}

/**
 * The expressions of a CREATE TABLE's generated columns (`[GENERATED ALWAYS] AS (expr)`), in column order: string
 * literals, quoted identifiers and comments are skipped whole, the expression is taken to its closing parenthesis.
 */
export function generatedExpressions(createTable: string | null): string[] {
  const text = createTable ?? '';
  const found: string[] = [];
  const re = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|\b(?:generated\s+always\s+)?as\s*\(/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!/\($/.test(m[0])) continue;
    let depth = 1;
    let i = re.lastIndex;
    for (; i < text.length && depth > 0; i++) {
      const ch = text[i];
      if (ch === "'") i = text.indexOf("'", i + 1) < 0 ? text.length : text.indexOf("'", i + 1);
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    found.push(text.slice(re.lastIndex, i - 1).trim());
    re.lastIndex = i;
  }
  return found;
}

type Connection = Knex | Knex.Transaction;

/**
 * A table's columns from its `PRAGMA table_xinfo` rows and its CREATE TABLE text (enum choices, generated
 * expressions, whether a lone INTEGER PRIMARY KEY is the rowid). Unique flags are set later, from the indexes.
 */
function sqliteColumns(info: TableInfoRow[], sql: string | null): IntrospectedColumn[] {
  const expressions = generatedExpressions(sql);
  let generatedSeen = 0;
  const pkColumns = info.filter((c) => c.pk > 0);
  // A lone INTEGER PRIMARY KEY is the rowid: SQLite assigns it.
  const rowidAlias = pkColumns.length === 1 && pkColumns[0].type.trim().toUpperCase() === 'INTEGER' && !/\bwithout\s+rowid\b/i.test(sql ?? '');
  const checks = checkedChoices(sql);
  return info.map((c) => {
    const mapped = mapDatabaseType(c.type || 'text');
    // keelson's enum: a text column with CHECK (column IN (…)).
    const choices = /^text$/i.test(c.type.trim()) ? checks.get(c.name) : undefined;
    if (choices) mapped.type = 'enum';
    const primaryKey = c.pk > 0;
    const column: IntrospectedColumn = {
      name: c.name,
      type: mapped.type,
      dbType: c.type,
      nullable: !primaryKey && c.notnull === 0,
      primaryKey,
      autoincrement: primaryKey && rowidAlias,
      unique: false,
      hasDefault: c.dflt_value !== null,
    };
    const literal = literalDefault(c.dflt_value, mapped.type);
    if (literal !== undefined) column.default = literal;
    applySizes(column, mapped);
    if (choices) column.choices = choices;
    if (c.hidden === 2 || c.hidden === 3) column.generated = expressions[generatedSeen++] ?? '';
    return column;
  });
}

/**
 * A table's column indexes (sorted by name, through `PRAGMA index_info`) and unique-together lists; a unique
 * index on one column marks that column unique.
 */
async function readIndexes(
  knex: Connection,
  db: string,
  indexes: IndexListRow[],
  columns: IntrospectedColumn[],
): Promise<Pick<IntrospectedTable, 'uniqueTogether' | 'indexes'>> {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const uniqueTogether: string[][] = [];
  const tableIndexes: IntrospectedIndex[] = [];
  for (const index of indexes) {
    // origin 'pk' is the primary key's; a partial index covers only some rows.
    if (index.origin === 'pk' || index.partial) continue;
    const parts: IndexInfoRow[] = await knex.raw(`pragma ${db}index_info(${quote(index.name)})`);
    const names = parts.sort((a, b) => a.seqno - b.seqno).map((p) => p.name);
    if (!names.length || names.some((n) => n === null)) continue; // an expression index
    const unique = index.unique === 1;
    tableIndexes.push({ name: index.name, columns: names as string[], unique });
    if (!unique) continue;
    if (names.length === 1) byName.get(names[0]!)!.unique = true;
    else uniqueTogether.push(names as string[]);
  }
  tableIndexes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { uniqueTogether, indexes: tableIndexes };
}

/** A table's foreign keys from its `PRAGMA foreign_key_list` rows, one per column pair. */
async function readForeignKeys(knex: Connection, db: string, fks: ForeignKeyRow[]): Promise<IntrospectedForeignKey[]> {
  const foreignKeys: IntrospectedForeignKey[] = [];
  for (const fk of fks.sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    let references = fk.to;
    if (references === null) {
      // No column named: the referenced table's primary key (the seq-th column of it).
      const target: TableInfoRow[] = await knex.raw(`pragma ${db}table_info(${quote(fk.table)})`);
      references = target.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)[fk.seq]?.name ?? 'rowid';
    }
    foreignKeys.push({
      column: fk.from,
      table: fk.table,
      references,
      onDelete: referentialAction(fk.on_delete),
      onUpdate: referentialAction(fk.on_update),
    });
  }
  return foreignKeys;
}

/** One table of database `db` (`"schema".`, or empty for `main`) read through its pragmas. */
async function introspectTable(knex: Connection, db: string, name: string, sql: string | null): Promise<IntrospectedTable> {
  // table_xinfo lists generated columns too (hidden 2: virtual, 3: stored); 1 is a virtual table's hidden column.
  const info: TableInfoRow[] = ((await knex.raw(`pragma ${db}table_xinfo(${quote(name)})`)) as TableInfoRow[]).filter((c) => c.hidden !== 1);
  const fks: ForeignKeyRow[] = await knex.raw(`pragma ${db}foreign_key_list(${quote(name)})`);
  const indexes: IndexListRow[] = await knex.raw(`pragma ${db}index_list(${quote(name)})`);
  const columns = sqliteColumns(info, sql);
  const { uniqueTogether, indexes: tableIndexes } = await readIndexes(knex, db, indexes, columns);
  const foreignKeys = await readForeignKeys(knex, db, fks);
  return { name, columns, foreignKeys, uniqueTogether, indexes: tableIndexes };
}

/**
 * Reads live SQLite tables through `PRAGMA table_info`, `foreign_key_list`, `index_list` and `index_info`, and
 * the choices of keelson's enums from the CHECK in the CREATE TABLE text. Indexes: origin `c` (CREATE INDEX)
 * and `u` (a UNIQUE constraint's `sqlite_autoindex_…`) are reported, `pk` (a non-rowid primary key's) is not.
 * SQLite's internal tables (`sqlite_*`) are left out; `schema` names an attached database (`main` by default).
 */
export async function introspectSqlite(knex: Connection, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]> {
  const db = schema ? `${quote(schema)}.` : '';
  const master = schema ? `${quote(schema)}.sqlite_master` : 'sqlite_master';
  const rows: { name: string; sql: string | null }[] = await knex.raw(
    `select name, sql from ${master} where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`,
  );
  const wanted = only ? new Set(only) : undefined;
  const tables: IntrospectedTable[] = [];
  for (const { name, sql } of rows) {
    if (wanted && !wanted.has(name)) continue;
    tables.push(await introspectTable(knex, db, name, sql));
  }
  return tables;
}

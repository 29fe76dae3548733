import type { Knex } from 'knex';
import { IntrospectedColumn, IntrospectedTable, literalDefault, mapDatabaseType, referentialAction } from '../introspection';

const quote = (name: string) => `"${name.split('"').join('""')}"`;

interface TableInfoRow { cid: number; name: string; type: string; notnull: number; dflt_value: string | null; pk: number }
interface ForeignKeyRow { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }
interface IndexListRow { seq: number; name: string; unique: number; origin: string; partial: number }
interface IndexInfoRow { seqno: number; cid: number; name: string | null }

/**
 * Reads live SQLite tables through `PRAGMA table_info`, `foreign_key_list`, `index_list` and `index_info`.
 * SQLite's internal tables (`sqlite_*`) are left out; `schema` names an attached database (`main` by default).
 */
export async function introspectSqlite(knex: Knex | Knex.Transaction, schema?: string, only?: readonly string[]): Promise<IntrospectedTable[]> {
  const db = schema ? `${quote(schema)}.` : '';
  const master = schema ? `${quote(schema)}.sqlite_master` : 'sqlite_master';
  const rows: { name: string; sql: string | null }[] = await knex.raw(
    `select name, sql from ${master} where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`,
  );
  const wanted = only ? new Set(only) : undefined;
  const tables: IntrospectedTable[] = [];
  for (const { name, sql } of rows) {
    if (wanted && !wanted.has(name)) continue;
    const info: TableInfoRow[] = await knex.raw(`pragma ${db}table_info(${quote(name)})`);
    const fks: ForeignKeyRow[] = await knex.raw(`pragma ${db}foreign_key_list(${quote(name)})`);
    const indexes: IndexListRow[] = await knex.raw(`pragma ${db}index_list(${quote(name)})`);
    const pkColumns = info.filter((c) => c.pk > 0);
    // A lone INTEGER PRIMARY KEY is the rowid: SQLite assigns it.
    const rowidAlias = pkColumns.length === 1 && pkColumns[0].type.trim().toUpperCase() === 'INTEGER' && !/\bwithout\s+rowid\b/i.test(sql ?? '');
    const columns: IntrospectedColumn[] = info.map((c) => {
      const mapped = mapDatabaseType(c.type || 'text');
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
      if (mapped.maxLength !== undefined) column.maxLength = mapped.maxLength;
      if (mapped.precision !== undefined) column.precision = mapped.precision;
      if (mapped.scale !== undefined) column.scale = mapped.scale;
      return column;
    });
    const byName = new Map(columns.map((c) => [c.name, c]));
    const uniqueTogether: string[][] = [];
    for (const index of indexes) {
      if (!index.unique || index.origin === 'pk' || index.partial) continue;
      const parts: IndexInfoRow[] = await knex.raw(`pragma ${db}index_info(${quote(index.name)})`);
      const names = parts.sort((a, b) => a.seqno - b.seqno).map((p) => p.name);
      if (names.some((n) => n === null)) continue; // an expression index
      if (names.length === 1) byName.get(names[0]!)!.unique = true;
      else uniqueTogether.push(names as string[]);
    }
    const foreignKeys = [];
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
    tables.push({ name, columns, foreignKeys, uniqueTogether });
  }
  return tables;
}

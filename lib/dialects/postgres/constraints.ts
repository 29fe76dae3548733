import type { Knex } from 'knex';
import type { IntrospectedConstraint, IntrospectedTable } from '../introspection';
import { INDEX_COLUMNS_FROM } from './index-sql';

interface CheckRow {
  table_name: string;
  name: string;
  definition: string;
}
interface PartialRow {
  table_name: string;
  name: string;
  predicate: string;
  columns: string[];
}

/** `CHECK ((price >= 0))` (optionally `NOT VALID`) → `(price >= 0)`. */
export const checkExpression = (definition: string): string =>
  definition
    .replace(/^CHECK\s*\(/i, '')
    .replace(/\)\s*(NOT VALID)?\s*$/i, '')
    .trim();

/**
 * Adds each table's CHECK constraints (`pg_constraint`) and partial unique indexes (`pg_index` with a predicate)
 * to `tables`. The checks that hold keelson's enum choices (a column's `checkName`) are the column's, not
 * constraints of the model.
 */
export async function addPostgresConstraints(knex: Knex | Knex.Transaction, schema: string | undefined, tables: IntrospectedTable[]): Promise<void> {
  if (!tables.length) return;
  const names = tables.map((t) => t.name);
  const ns = schema ?? null;
  const checks = (
    await knex.raw(
      `select t.relname as table_name, c.conname::text as name, pg_get_constraintdef(c.oid) as definition
         from pg_constraint c
         join pg_class t on t.oid = c.conrelid
         join pg_namespace n on n.oid = t.relnamespace
        where c.contype = 'c' and n.nspname = coalesce(?::text, current_schema()) and t.relname = any(?::text[])`,
      [ns, names],
    )
  ).rows as CheckRow[];
  const partial = (
    await knex.raw(
      `select t.relname as table_name, ic.relname as name, pg_get_expr(i.indpred, i.indrelid) as predicate,
              ${INDEX_COLUMNS_FROM}
        where i.indisunique and i.indpred is not null and i.indexprs is null
          and n.nspname = coalesce(?::text, current_schema()) and t.relname = any(?::text[])`,
      [ns, names],
    )
  ).rows as PartialRow[];
  const byTable = new Map(tables.map((t) => [t.name, t]));
  const found = new Map<string, IntrospectedConstraint[]>();
  const add = (table: string, c: IntrospectedConstraint) => {
    if (!found.has(table)) found.set(table, []);
    found.get(table)!.push(c);
  };
  for (const row of checks) {
    const table = byTable.get(row.table_name);
    if (!table || table.columns.some((c) => c.checkName === row.name)) continue;
    add(row.table_name, { name: row.name, check: checkExpression(row.definition) });
  }
  for (const row of partial)
    if (byTable.has(row.table_name) && row.columns.length) add(row.table_name, { name: row.name, unique: row.columns, where: row.predicate });
  for (const [name, list] of found) byTable.get(name)!.constraints = list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

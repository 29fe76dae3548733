import type { Knex } from 'knex';
import type { IntrospectedTable } from '../introspection';

interface CheckRow {
  table_name: string;
  name: string;
  clause: string;
  level?: string;
}

const SELECT = `select tc.table_name as table_name, tc.constraint_name as name, cc.check_clause as clause`;
const FROM = `from information_schema.table_constraints tc
         join information_schema.check_constraints cc on cc.constraint_schema = tc.constraint_schema and cc.constraint_name = tc.constraint_name`;
const WHERE = `where tc.constraint_type = 'CHECK' and tc.table_schema = coalesce(?, database())`;

/**
 * Adds each table's CHECK constraints (`information_schema.CHECK_CONSTRAINTS`) to `tables`. MariaDB names a check
 * per table and adds its own column-level `json_valid` check to JSON columns: only table-level checks are the
 * model's. MySQL/MariaDB have no partial indexes.
 */
export async function addMysqlConstraints(knex: Knex | Knex.Transaction, schema: string | undefined, tables: IntrospectedTable[]): Promise<void> {
  if (!tables.length) return;
  let rows: CheckRow[];
  try {
    // MariaDB: checks are per table, with their level.
    [rows] = await knex.raw(`${SELECT}, cc.level as level ${FROM} and cc.table_name = tc.table_name ${WHERE}`, [schema ?? null]);
  } catch {
    // MySQL 8: check names are unique per schema, and CHECK_CONSTRAINTS has neither table nor level.
    [rows] = await knex.raw(`${SELECT} ${FROM} ${WHERE}`, [schema ?? null]);
  }
  const byTable = new Map(tables.map((t) => [t.name, t]));
  for (const row of rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const table = byTable.get(row.table_name);
    if (!table || (row.level !== undefined && row.level !== 'Table')) continue;
    (table.constraints ??= []).push({ name: row.name, check: row.clause });
  }
}

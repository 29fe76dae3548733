import type { Knex } from 'knex';

/** Databases the server keeps for itself; `listSchemas` leaves them out. */
const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];

/** The database unqualified names resolve to. */
export async function mysqlDefaultSchema(knex: Knex | Knex.Transaction): Promise<string> {
  const [rows] = await knex.raw('select database() as name');
  return (rows as { name: string }[])[0].name;
}

/** Names of the databases (MySQL's schemas), the server's own left out, sorted. */
export async function mysqlSchemas(knex: Knex | Knex.Transaction): Promise<string[]> {
  const [rows] = await knex.raw(
    `select schema_name as name from information_schema.schemata where schema_name not in (${SYSTEM_SCHEMAS.map(() => '?').join(', ')}) order by schema_name`,
    SYSTEM_SCHEMAS,
  );
  return (rows as { name: string }[]).map((r) => r.name);
}

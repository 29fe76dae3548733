import type { Knex } from 'knex';

/** The schema unqualified names resolve to. */
export async function postgresDefaultSchema(knex: Knex | Knex.Transaction): Promise<string> {
  const result = await knex.raw('select current_schema() as name');
  return (result.rows as { name: string }[])[0].name;
}

/** Names of the schemas, PostgreSQL's own (`pg_*`, `information_schema`) left out, sorted. */
export async function postgresSchemas(knex: Knex | Knex.Transaction): Promise<string[]> {
  const result = await knex.raw(
    "select nspname as name from pg_catalog.pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname",
  );
  return (result.rows as { name: string }[]).map((r) => r.name);
}

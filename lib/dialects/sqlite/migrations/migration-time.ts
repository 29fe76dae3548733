import type { Knex } from 'knex';

/**
 * sqlite3 binds only a Date of its own realm (as epoch ms): under a sandbox such as jest, Knex's
 * `migration_time` arrives as '[object Object]'. Stores what sqlite3 would have.
 */
export async function repairMigrationTimes(trx: Knex | Knex.Transaction, tableName: string): Promise<void> {
  await trx(tableName).where('migration_time', '[object Object]').update({ migration_time: Date.now() });
}

import type { Knex } from 'knex';
import { finalizeStatements } from './statement';

interface Sqlite3ClientClass {
  new (config: Knex.Config): { destroyRawConnection(connection: unknown): Promise<void> };
}

// Knex's sqlite3 client, subclassed below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KnexSqlite3Client = require('knex/lib/dialects/sqlite3') as Sqlite3ClientClass;

/**
 * Knex's sqlite3 client, closing a connection only after finalizing the statements keelson keeps prepared on
 * it (see statement.ts): `sqlite3` refuses to close a database with statements still open.
 */
export class KeelsonSqlite3Client extends KnexSqlite3Client {
  override async destroyRawConnection(connection: unknown): Promise<void> {
    await finalizeStatements(connection);
    return super.destroyRawConnection(connection);
  }
}

import * as os from 'node:os';
import type { Knex } from 'knex';

/** One line describing where the numbers were measured. */
export async function machineLine(admins: Partial<Record<'postgres' | 'sqlite', Knex>>): Promise<string> {
  const cpus = os.cpus();
  const parts = [`${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`, `Node ${process.version}`];
  if (admins.postgres) {
    const r = await admins.postgres.raw('show server_version');
    parts.push(`PostgreSQL ${r.rows[0].server_version}`);
  }
  if (admins.sqlite) {
    const [r] = await admins.sqlite.raw('select sqlite_version() as v');
    parts.push(`SQLite ${r.v}`);
  }
  parts.push(new Date().toISOString().slice(0, 10));
  return parts.join(' · ');
}

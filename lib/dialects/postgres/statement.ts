import type { StatementResult } from '../dialect';

interface PgConnection {
  query(text: string, values: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

/** Runs a compiled statement on a `pg` client: an unnamed extended-protocol query, values bound by the driver. */
export async function runPgStatement(connection: unknown, sql: string, bindings: readonly unknown[], want: StatementResult) {
  const result = await (connection as PgConnection).query(sql, bindings);
  return want === 'rows' ? result.rows : (result.rowCount ?? 0);
}

import type { Knex } from 'knex';
import { notePgStatement } from './statement';

type QueryParam = string | { sql: string; bindings?: readonly unknown[] };
interface PgClientClass {
  new (config: Knex.Config): {
    query(connection: unknown, queryParam: QueryParam): Promise<unknown>;
    positionBindings(sql: string): string;
  };
}

// Knex's own PostgreSQL client, subclassed below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KnexPgClient = require('knex/lib/dialects/postgres') as PgClientClass;

/**
 * Knex's PostgreSQL client turns every `?` of a statement into a `$n` placeholder, even when the statement
 * has no bindings at all, so a `?` inside a string literal of DDL (a default `'what?'`, an enum choice)
 * was stored as `$1`. A statement without bindings has nothing to number: there only Knex's `\?` escapes
 * are undone, and every other `?` stays what it is.
 */
export class KeelsonPgClient extends KnexPgClient {
  /** Set for the duration of one synchronous `query()` preparation. */
  private unbound = false;

  override query(connection: unknown, queryParam: QueryParam): Promise<unknown> {
    const bindings = typeof queryParam === 'string' ? undefined : queryParam.bindings;
    this.unbound = !bindings || bindings.length === 0;
    notePgStatement(typeof queryParam === 'string' ? queryParam : queryParam.sql);
    try {
      // Knex positions the bindings synchronously, before the first await of the query.
      return super.query(connection, queryParam);
    } finally {
      this.unbound = false;
    }
  }

  override positionBindings(sql: string): string {
    if (!this.unbound) return super.positionBindings(sql);
    return sql.replace(/(\\*)\?/g, (match: string, escapes: string) => (escapes.length % 2 ? '?' : match));
  }
}

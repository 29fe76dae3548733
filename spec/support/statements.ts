import type { Registry } from '../../lib';

/**
 * The SQL a registry's default database sends, recorded between `start()` (in `beforeAll`, after `createAll`) and `stop()`
 * (in `afterAll`); `clear()` forgets what was recorded, so a test sees only its own statements.
 */
export function statementLog(registry: Registry) {
  let sent: string[] = [];
  const listener = (q: { sql: string }) => sent.push(q.sql);
  return {
    /** Every statement since the last `clear()`. */
    get sent(): readonly string[] {
      return sent;
    },
    /** The statements matching `pattern`. */
    matching: (pattern: RegExp): string[] => sent.filter((sql) => pattern.test(sql)),
    /** How many statements were inserts, updates or deletes. */
    writes: (): number => sent.filter((sql) => /^\s*(insert|update|delete)/i.test(sql)).length,
    async start(): Promise<void> {
      await registry.database.connect();
      registry.database.knex.on('query', listener);
    },
    stop(): void {
      registry.database.knex.removeListener('query', listener);
    },
    clear(): void {
      sent = [];
    },
  };
}

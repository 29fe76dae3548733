import type { IntegrityViolation } from '../integrity';

/**
 * SQLite names the columns of a violated unique constraint (`UNIQUE constraint failed: t.a, t.b`) but not the
 * constraint; a foreign-key violation says only `FOREIGN KEY constraint failed`.
 */
export function integrityViolation(error: unknown): IntegrityViolation | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  // sqlite3 reports SQLITE_CONSTRAINT, better-sqlite3 the extended code (SQLITE_CONSTRAINT_UNIQUE, …).
  if (typeof e?.code !== 'string' || !e.code.startsWith('SQLITE_CONSTRAINT')) return undefined;
  const message = String(e.message ?? '');
  if (/FOREIGN KEY constraint failed/.test(message)) return { kind: 'foreignKey' };
  const unique = /(?:UNIQUE|PRIMARY KEY) constraint failed: (.+)$/m.exec(message);
  if (!unique) return undefined;
  // A unique index over expressions is reported by name.
  const index = /^index '([^']+)'/.exec(unique[1]);
  if (index) return { kind: 'unique', constraint: index[1] };
  const qualified = unique[1].split(',').map((c) => c.trim());
  const table = qualified[0].slice(0, qualified[0].lastIndexOf('.'));
  return { kind: 'unique', table, columns: qualified.map((c) => c.slice(c.lastIndexOf('.') + 1)) };
}

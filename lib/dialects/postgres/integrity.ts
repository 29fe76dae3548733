import type { IntegrityViolation } from '../integrity';

const KINDS: Record<string, IntegrityViolation['kind']> = { '23505': 'unique', '23503': 'foreignKey' };

/**
 * A unique (23505) or foreign-key (23503) violation: node-postgres reports the constraint and table, and the
 * detail lists the key columns (`Key (a, b)=(…)`). For a delete still referenced, those are the referenced
 * table's columns, not the constraint's: the constraint's own columns come from its name then.
 */
export function integrityViolation(error: unknown): IntegrityViolation | undefined {
  const e = error as { code?: unknown; constraint?: unknown; table?: unknown; detail?: unknown } | null;
  const kind = typeof e?.code === 'string' ? KINDS[e.code] : undefined;
  if (!kind) return undefined;
  const constraint = typeof e!.constraint === 'string' ? e!.constraint : undefined;
  const table = typeof e!.table === 'string' ? e!.table : undefined;
  const detail = typeof e!.detail === 'string' ? e!.detail : '';
  const keys = /^Key \(([^)]*)\)=/.exec(detail);
  const referenced = /still referenced/.test(detail);
  const columns = keys && !referenced ? keys[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : undefined;
  return { kind, constraint, table, columns };
}

import { IntegrityViolation, statementTable } from '../integrity';

const FOREIGN_KEY_CODES = new Set(['ER_NO_REFERENCED_ROW_2', 'ER_ROW_IS_REFERENCED_2', 'ER_NO_REFERENCED_ROW', 'ER_ROW_IS_REFERENCED']);

/**
 * `Duplicate entry '…' for key 'name'` (MySQL 8 writes `table.name`) names the key but not the table, which
 * comes from the statement; a foreign-key error names the table, the constraint and its columns.
 */
export function integrityViolation(error: unknown): IntegrityViolation | undefined {
  const e = error as { code?: unknown; sqlMessage?: unknown; message?: unknown; sql?: unknown } | null;
  const message = String(e?.sqlMessage ?? e?.message ?? '');
  if (e?.code === 'ER_DUP_ENTRY') {
    const key = / for key '([^']+)'/.exec(message)?.[1];
    const name = key?.includes('.') ? key.slice(key.lastIndexOf('.') + 1) : key;
    const table = statementTable(e.sql) ?? statementTable(String(e.message ?? ''));
    if (name === 'PRIMARY') return { kind: 'unique', table, primaryKey: true };
    return { kind: 'unique', constraint: name, table };
  }
  if (typeof e?.code === 'string' && FOREIGN_KEY_CODES.has(e.code)) {
    const found = /\(`[^`]*`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]*)\)/.exec(message);
    if (!found) return { kind: 'foreignKey' };
    return { kind: 'foreignKey', table: found[1], constraint: found[2], columns: found[3].split(',').map((c) => c.trim().replace(/^`|`$/g, '')) };
  }
  return undefined;
}

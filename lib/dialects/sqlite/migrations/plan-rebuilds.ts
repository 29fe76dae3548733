import type { ColumnDefinition } from '../../../metadata/table-definition';
import type { Operation, PlannedOperation, RebuildCopy } from '../../../migrations/operations';
import type { TableShape } from '../../../migrations/shape';

/** Operations on an existing table that a rebuild replaces (the ones on its columns and constraints). */
const FOLDED: ReadonlySet<Operation['kind']> = new Set([
  'renameColumn',
  'addColumn',
  'alterColumn',
  'dropColumn',
  'addIndex',
  'dropIndex',
  'addForeignKey',
  'dropForeignKey',
  'addConstraint',
  'dropConstraint',
]);

/** The table a column- or constraint-level operation works on. */
function tableOf(op: Operation): string | undefined {
  return FOLDED.has(op.kind) ? (op as { table: { name: string } }).table.name : undefined;
}

/** Whether SQLite's ALTER TABLE cannot do `op` in place. */
function needsRebuild(op: Operation): boolean {
  switch (op.kind) {
    case 'alterColumn':
    case 'addForeignKey':
    case 'dropForeignKey':
    case 'dropColumn':
      return true;
    case 'addConstraint':
    case 'dropConstraint':
      // No ALTER TABLE … ADD/DROP CONSTRAINT: a CHECK lives in the CREATE TABLE (a partial unique is an index of its own).
      return op.constraint.kind === 'check';
    case 'addColumn':
      // ADD COLUMN refuses NOT NULL without a default, and cannot fill existing rows with another value.
      return op.column.primaryKey || op.fill !== undefined || (!op.column.nullable && op.column.default === undefined);
    default:
      return false;
  }
}

/**
 * On SQLite, replaces every operation on a table that needs a rebuild by one `rebuildTable` carrying the
 * old shape, the new shape and where each new column's values come from. Columns whose drop was not
 * allowed stay in the new shape, with their constraints. `describe` (lib/migrations' own) is passed in, as
 * lib/dialects does not import lib/migrations at runtime.
 */
export function sqliteRebuilds(
  ops: PlannedOperation[],
  desired: readonly TableShape[],
  live: ReadonlyMap<string, TableShape>,
  describe: (op: Operation) => string,
): PlannedOperation[] {
  const rebuild = new Set<string>();
  for (const { op, skipped } of ops) {
    const table = tableOf(op);
    if (!skipped && table && live.has(table) && needsRebuild(op)) rebuild.add(table);
  }
  if (!rebuild.size) return ops;
  const result: PlannedOperation[] = [];
  const folded = new Map<string, Operation[]>();
  for (const planned of ops) {
    const table = tableOf(planned.op);
    if (table && rebuild.has(table) && !planned.skipped) {
      if (!folded.has(table)) folded.set(table, []);
      folded.get(table)!.push(planned.op);
    } else {
      result.push(planned);
    }
  }
  const wanted = new Map(desired.map((t) => [t.name, t]));
  for (const [name, tableOps] of folded) {
    const from = live.get(name)!;
    const want = wanted.get(name)!;
    const renamedFrom = new Map<string, string>();
    const fills = new Map<string, unknown>();
    const lossy = new Set<string>();
    const retyped = new Set<string>();
    for (const op of tableOps) {
      if (op.kind === 'renameColumn') renamedFrom.set(op.to, op.from);
      if (op.kind === 'alterColumn' && op.lossy) lossy.add(op.to.name);
      if (op.kind === 'alterColumn' && op.changes.some((c) => c.startsWith('type '))) retyped.add(op.to.name);
      if ((op.kind === 'addColumn' || op.kind === 'alterColumn') && op.fill !== undefined)
        fills.set(op.kind === 'addColumn' ? op.column.name : op.to.name, op.fill);
    }
    const liveColumns = new Set(from.columns.map((c) => c.name));
    const wantColumns = new Set(want.columns.map((c) => c.name));
    const renamedAway = new Set(renamedFrom.values());
    // Columns the model dropped but the user did not allow to drop: they survive the rebuild as they are.
    const kept: ColumnDefinition[] = from.columns.filter(
      (c) =>
        !wantColumns.has(c.name) &&
        !renamedAway.has(c.name) &&
        ops.some((p) => p.skipped && p.op.kind === 'dropColumn' && p.op.table.name === name && p.op.column.name === c.name),
    );
    const keptNames = new Set(kept.map((c) => c.name));
    const to: TableShape = {
      ...want,
      columns: [...want.columns, ...kept],
      indexes: [...want.indexes, ...from.indexes.filter((i) => i.columns.some((c) => keptNames.has(c)))],
      foreignKeys: [...want.foreignKeys, ...from.foreignKeys.filter((fk) => keptNames.has(fk.column))],
      live: undefined,
    };
    const copy: RebuildCopy[] = to.columns.map((c) => {
      const source = renamedFrom.get(c.name) ?? (liveColumns.has(c.name) ? c.name : undefined);
      const fill = fills.get(c.name);
      return {
        column: c.name,
        ...(source !== undefined ? { from: source } : {}),
        ...(fill !== undefined ? { fill } : {}),
        ...(retyped.has(c.name) ? { retyped: true as const } : {}),
        ...(lossy.has(c.name) ? { lossy: true as const } : {}),
      };
    });
    result.push({ op: { kind: 'rebuildTable', from: { ...from, live: undefined }, to, copy, changes: tableOps.map(describe) } });
  }
  return result;
}

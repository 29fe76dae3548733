import type { ConstraintDefinition } from '../metadata/table-definition';
import type { TableDiff } from './diff-table';
import { constraintKey, ForeignKeyShape, IndexShape, indexKey, normalizeAction } from './shape';

const fkKey = (fk: ForeignKeyShape) => `${fk.column}->${fk.table}.${fk.references}:${normalizeAction(fk.onDelete)}/${normalizeAction(fk.onUpdate)}`;

/**
 * Plans one table's indexes, CHECK and partial unique constraints and foreign keys: those gone from the model
 * come off (unless they cover a column whose drop is not allowed), the new ones go on.
 */
export function planTableKeys(table: TableDiff): void {
  const indexes = planIndexes(table);
  planConstraints(table);
  const foreignKeys = planForeignKeys(table);
  planForeignKeysAroundIndexes(table, indexes, foreignKeys);
}

/** Indexes compare by kind and columns (live columns under their new names). */
function planIndexes({ want, have, ref, run, newName, touchesKept }: TableDiff) {
  const wantIndexes = new Map(want.indexes.map((i) => [indexKey(i), i]));
  const haveIndexes = new Map<string, IndexShape>();
  for (const index of have.indexes) haveIndexes.set(indexKey({ ...index, columns: index.columns.map(newName) }), index);
  for (const [key, index] of haveIndexes) if (!wantIndexes.has(key) && !touchesKept(index.columns)) run.plan({ kind: 'dropIndex', table: ref, index });
  for (const [key, index] of wantIndexes) if (!haveIndexes.has(key)) run.plan({ kind: 'addIndex', table: ref, index });
  return { haveIndexes, wantIndexes };
}

/** CHECK constraints and partial uniques compare by name (a changed expression needs a new name). */
function planConstraints({ want, have, ref, run, newName, touchesKept }: TableDiff): void {
  const wantConstraints = new Map((want.constraints ?? []).map((c) => [constraintKey(c), c]));
  const haveConstraints = new Map<string, ConstraintDefinition>();
  for (const c of have.constraints ?? []) haveConstraints.set(constraintKey(c.kind === 'unique' ? { ...c, columns: c.columns.map(newName) } : c), c);
  for (const [key, c] of haveConstraints)
    if (!wantConstraints.has(key) && !(c.kind === 'unique' && touchesKept(c.columns))) run.plan({ kind: 'dropConstraint', table: ref, constraint: c });
  for (const [key, c] of wantConstraints) if (!haveConstraints.has(key)) run.plan({ kind: 'addConstraint', table: ref, constraint: c });
}

/** Foreign keys compare by column, target and actions (live columns and tables under their new names). */
function planForeignKeys({ want, have, ref, run, newName, isKept }: TableDiff) {
  const wantFks = new Map(want.foreignKeys.map((fk) => [fkKey(fk), fk]));
  const haveFks = new Map<string, ForeignKeyShape>();
  for (const fk of have.foreignKeys) haveFks.set(fkKey({ ...fk, column: newName(fk.column), table: run.renamedTable(fk.table) }), fk);
  for (const [key, fk] of haveFks) if (!wantFks.has(key) && !isKept(fk.column)) run.plan({ kind: 'dropForeignKey', table: ref, foreignKey: fk });
  for (const [key, fk] of wantFks) if (!haveFks.has(key)) run.plan({ kind: 'addForeignKey', table: ref, foreignKey: fk });
  return { haveFks, wantFks };
}

/** Where a foreign key needs an index of its own (InnoDB), it comes off around changes of that index. */
function planForeignKeysAroundIndexes(
  { ref, run, newName, touchesKept }: TableDiff,
  { haveIndexes, wantIndexes }: ReturnType<typeof planIndexes>,
  { haveFks, wantFks }: ReturnType<typeof planForeignKeys>,
): void {
  const aroundIndexes = run.dialect.migrations.foreignKeysAroundIndexes;
  if (!aroundIndexes) return;
  for (const { drop, add } of aroundIndexes({ haveIndexes, wantIndexes, haveFks, wantFks, newName, touchesKept })) {
    run.plan({ kind: 'dropForeignKey', table: ref, foreignKey: drop });
    run.plan({ kind: 'addForeignKey', table: ref, foreignKey: add });
  }
}

import type { ColumnDefinition, ConstraintDefinition } from '../metadata/table-definition';
import type { ForeignKeyShape, IndexShape, TableShape } from './shape';

/** A table an operation works on. */
export interface TableName {
  name: string;
  schema?: string;
}

/** One schema change. Every operation can be inverted, so a migration's `down` undoes its `up`. */
export type Operation =
  /** `withoutForeignKeys`: columns whose constraint closes a cycle and is added by a later `addForeignKey`. */
  | { kind: 'createTable'; table: TableShape; withoutForeignKeys?: string[] }
  /** `withoutForeignKeys`: columns whose constraint closes a cycle and comes off by an earlier `dropForeignKey` (its inverse creates the table without them). */
  | { kind: 'dropTable'; table: TableShape; withoutForeignKeys?: string[] }
  | { kind: 'renameTable'; table: TableName; to: string }
  | { kind: 'addColumn'; table: TableName; column: ColumnDefinition; fill?: unknown }
  | { kind: 'dropColumn'; table: TableName; column: ColumnDefinition }
  | { kind: 'renameColumn'; table: TableName; from: string; to: string }
  /** `lossy`: values that do not fit the new type are converted on purpose (`--allow-lossy`) instead of refused. */
  | { kind: 'alterColumn'; table: TableName; from: ColumnDefinition; to: ColumnDefinition; fill?: unknown; changes: string[]; lossy?: true }
  | { kind: 'addIndex'; table: TableName; index: IndexShape }
  | { kind: 'dropIndex'; table: TableName; index: IndexShape }
  | { kind: 'addForeignKey'; table: TableName; foreignKey: ForeignKeyShape }
  | { kind: 'dropForeignKey'; table: TableName; foreignKey: ForeignKeyShape }
  /** A CHECK constraint or a partial unique index (see `ConstraintDefinition`). */
  | { kind: 'addConstraint'; table: TableName; constraint: ConstraintDefinition }
  | { kind: 'dropConstraint'; table: TableName; constraint: ConstraintDefinition }
  /** SQLite: copy the rows into a table of the new shape and swap it in. `copy` maps new columns to old ones (or fill values). */
  | { kind: 'rebuildTable'; from: TableShape; to: TableShape; copy: RebuildCopy[]; changes: string[] };

/** Where a rebuilt table's column gets its values. */
export interface RebuildCopy {
  column: string;
  /** The old column it is copied from. */
  from?: string;
  /** A value for rows whose old value is NULL (or for every row of a new column). */
  fill?: unknown;
  /** The copy changes the column's type (its values are checked, or converted when `lossy`, first). */
  retyped?: true;
  /** Values that do not fit the new type are converted on purpose (`--allow-lossy`) instead of refused. */
  lossy?: true;
}

/** An operation and whether it is written commented out (a drop nobody allowed). */
export interface PlannedOperation {
  op: Operation;
  /** Written as a comment: a destructive step that needs `--allow-drop`. */
  skipped?: boolean;
}

const q = (t: TableName) => (t.schema ? `${t.schema}.${t.name}` : t.name);

/** A one-line description, e.g. `add column post.subtitle`. */
export function describe(op: Operation): string {
  switch (op.kind) {
    case 'createTable':
      return `create table ${q(op.table)}`;
    case 'dropTable':
      return `drop table ${q(op.table)}`;
    case 'renameTable':
      return `rename table ${q(op.table)} to ${op.to}`;
    case 'addColumn':
      return `add column ${q(op.table)}.${op.column.name}${op.fill !== undefined ? ` (existing rows get ${JSON.stringify(op.fill)})` : ''}`;
    case 'dropColumn':
      return `drop column ${q(op.table)}.${op.column.name}`;
    case 'renameColumn':
      return `rename column ${q(op.table)}.${op.from} to ${op.to}`;
    case 'alterColumn':
      return `alter column ${q(op.table)}.${op.to.name} (${op.changes.join(', ')})${op.lossy ? ' (lossy: values that do not fit are converted)' : ''}`;
    case 'addIndex':
      return `add ${op.index.unique ? 'unique' : 'index'} ${op.index.name} on ${q(op.table)} (${op.index.columns.join(', ')})`;
    case 'dropIndex':
      return `drop ${op.index.unique ? 'unique' : 'index'} ${op.index.name} on ${q(op.table)} (${op.index.columns.join(', ')})`;
    case 'addForeignKey':
      return `add foreign key ${q(op.table)}.${op.foreignKey.column} -> ${op.foreignKey.table}.${op.foreignKey.references}`;
    case 'dropForeignKey':
      return `drop foreign key ${q(op.table)}.${op.foreignKey.column} -> ${op.foreignKey.table}.${op.foreignKey.references}`;
    case 'addConstraint':
    case 'dropConstraint':
      return `${op.kind === 'addConstraint' ? 'add' : 'drop'} ${constraintWords(op.constraint)} on ${q(op.table)}`;
    case 'rebuildTable':
      return `rebuild table ${q(op.to)} (${op.changes.join('; ')})`;
  }
}

/** `check price_ok`, `partial unique live_sku (sku)`. */
const constraintWords = (c: ConstraintDefinition) => (c.kind === 'check' ? `check ${c.name}` : `partial unique ${c.name} (${c.columns.join(', ')})`);

/** Whether running the operation loses data (it needs `--allow-drop`). */
export function isDestructive(op: Operation): boolean {
  return op.kind === 'dropTable' || op.kind === 'dropColumn';
}

/** The operation that undoes `op`. */
export function invert(op: Operation): Operation {
  switch (op.kind) {
    case 'createTable':
      return op.withoutForeignKeys ? { kind: 'dropTable', table: op.table, withoutForeignKeys: op.withoutForeignKeys } : { kind: 'dropTable', table: op.table };
    case 'dropTable':
      return op.withoutForeignKeys
        ? { kind: 'createTable', table: op.table, withoutForeignKeys: op.withoutForeignKeys }
        : { kind: 'createTable', table: op.table };
    case 'renameTable':
      return { kind: 'renameTable', table: { name: op.to, schema: op.table.schema }, to: op.table.name };
    case 'addColumn':
      return { kind: 'dropColumn', table: op.table, column: op.column };
    case 'dropColumn':
      return { kind: 'addColumn', table: op.table, column: op.column };
    case 'renameColumn':
      return { kind: 'renameColumn', table: op.table, from: op.to, to: op.from };
    case 'alterColumn':
      return { kind: 'alterColumn', table: op.table, from: op.to, to: op.from, changes: op.changes };
    case 'addIndex':
      return { kind: 'dropIndex', table: op.table, index: op.index };
    case 'dropIndex':
      return { kind: 'addIndex', table: op.table, index: op.index };
    case 'addForeignKey':
      return { kind: 'dropForeignKey', table: op.table, foreignKey: op.foreignKey };
    case 'dropForeignKey':
      return { kind: 'addForeignKey', table: op.table, foreignKey: op.foreignKey };
    case 'addConstraint':
      return { kind: 'dropConstraint', table: op.table, constraint: op.constraint };
    case 'dropConstraint':
      return { kind: 'addConstraint', table: op.table, constraint: op.constraint };
    case 'rebuildTable':
      return {
        kind: 'rebuildTable',
        from: op.to,
        to: op.from,
        // Back to the old shape: old columns come from the new ones they were copied into.
        copy: op.from.columns.map((c) => {
          const m = op.copy.find((m) => m.from === c.name);
          return { column: c.name, from: m?.column, ...(m?.retyped ? { retyped: true as const } : {}) };
        }),
        changes: op.changes.map((c) => `undo ${c}`),
      };
  }
}

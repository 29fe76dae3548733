import type { Dialect } from '../dialects';
import type { ColumnDefinition } from '../metadata/table-definition';
import { columnChanges, parseFill } from './column-changes';
import type { DiffOptions, DiffProbe } from './diff';
import { checkNarrowing } from './narrowing';
import { similar } from './names';
import type { Operation, TableName } from './operations';
import { constraintKey, ForeignKeyShape, IndexShape, indexKey, normalizeAction, TableShape } from './shape';
import type { ConstraintDefinition } from '../metadata/table-definition';

/** What comparing one table needs from the run comparing them all. */
export interface DiffRun {
  dialect: Dialect;
  schema?: string;
  probe: DiffProbe;
  options: DiffOptions;
  /** Adds an operation to the plan; false when it is written commented out (a drop not allowed). */
  plan(op: Operation): boolean;
  /** Mistakes that stop the migration from being written. */
  problems: string[];
  warnings: string[];
  /** `--fill` values by `table.column`, and the ones some column used. */
  fills: ReadonlyMap<string, string>;
  usedFills: Set<string>;
  /** A live table's name in the model (after a rename). */
  renamedTable(name: string): string;
  /** A model table's name in the database (before a rename). */
  liveTable(name: string): string;
  /** The `--allow-lossy` keys some column used. */
  usedLossy: Set<string>;
}

const fkKey = (fk: ForeignKeyShape) => `${fk.column}->${fk.table}.${fk.references}:${normalizeAction(fk.onDelete)}/${normalizeAction(fk.onUpdate)}`;

/**
 * Plans the changes of one table that is both in the models (`want`) and in the database (`have`): named
 * column renames, added, altered and dropped columns, indexes and foreign keys.
 */
export async function diffTable(want: TableShape, have: TableShape, renames: ReadonlyMap<string, string>, run: DiffRun): Promise<void> {
  const { dialect, probe, plan, problems, warnings, fills, usedFills, options } = run;
  const ref: TableName = { name: want.name, schema: run.schema };
  const haveColumns = new Map(have.columns.map((c) => [c.name, c]));
  const wantColumns = new Map(want.columns.map((c) => [c.name, c]));
  for (const [from, to] of renames) {
    if (!haveColumns.has(from)) problems.push(`--rename ${want.name}.${from}:${to}: "${want.name}" has no column "${from}" in the database${similar(from, haveColumns.keys())}.`);
    else if (!wantColumns.has(to)) problems.push(`--rename ${want.name}.${from}:${to}: the model of "${want.name}" has no column "${to}"${similar(to, wantColumns.keys())}.`);
    else if (haveColumns.has(to)) problems.push(`--rename ${want.name}.${from}:${to}: "${want.name}" already has a column "${to}".`);
    else if (wantColumns.has(from)) problems.push(`--rename ${want.name}.${from}:${to}: the model still has a column "${from}".`);
    else plan({ kind: 'renameColumn', table: ref, from, to });
  }
  const newName = (column: string) => renames.get(column) ?? column;
  const oldName = new Map([...renames].map(([from, to]) => [to, from]));
  const kept = new Set<string>(); // live columns gone from the model whose drop is not allowed

  // Live columns gone from the model (and not renamed): the candidates for a rename the user did not name.
  const dropped = have.columns.filter((c) => !renames.has(c.name) && !wantColumns.has(c.name));
  const twinOf = (column: ColumnDefinition) => dropped.find((d) => d.type === column.type && d.maxLength === column.maxLength);
  const added: ColumnDefinition[] = [];
  for (const column of want.columns) {
    const liveName = oldName.get(column.name) ?? column.name;
    const current = haveColumns.get(liveName);
    const where = `${want.name}.${column.name}`;
    if (!current) {
      added.push(column);
      let fill: unknown;
      if (!column.nullable && column.default === undefined && !column.autoincrement && (await probe.hasRows(ref))) {
        const raw = fills.get(where);
        if (raw === undefined) {
          const twin = twinOf(column);
          problems.push(
            `${where} is NOT NULL without a default and "${want.name}" has rows: give the field a default, make it nullable, ` +
              `or pass --fill ${where}=<value> to fill the existing rows once` +
              (twin ? ` (or, if it is ${want.name}.${twin.name} renamed, pass --rename ${want.name}.${twin.name}:${column.name} to keep its data).` : '.'),
          );
        } else {
          fill = parseFill(column, raw, where);
          usedFills.add(where);
        }
      }
      plan(fill !== undefined ? { kind: 'addColumn', table: ref, column, fill } : { kind: 'addColumn', table: ref, column });
      continue;
    }
    if (column.primaryKey || current.primaryKey) {
      if (column.primaryKey !== current.primaryKey || (have.live?.get(liveName) && !dialect.columnTypeMatches(column, have.live.get(liveName)!))) {
        warnings.push(`${where}: the primary key differs from the database's; keelson does not change primary keys (write that migration by hand).`);
      }
      continue;
    }
    const changes = columnChanges(column, current, have.live?.get(liveName), dialect);
    if (!changes.length) continue;
    let fill: unknown;
    if (!column.nullable && current.nullable && (await probe.hasNulls(ref, liveName))) {
      const raw = fills.get(where);
      if (raw === undefined) {
        problems.push(`${where} becomes NOT NULL but holds NULLs: pass --fill ${where}=<value> to replace them, or keep the field nullable.`);
      } else {
        fill = parseFill(column, raw, where);
        usedFills.add(where);
      }
    }
    const typeChange = changes.find((c) => c.startsWith('type '));
    const { lossy } = typeChange
      ? await checkNarrowing({ where, table: { name: run.liveTable(want.name), schema: run.schema }, column: liveName, keys: have.primaryKeys, from: current, to: column, change: typeChange }, run)
      : { lossy: false };
    const from = { ...current, name: column.name };
    plan({ kind: 'alterColumn', table: ref, from, to: column, ...(fill !== undefined ? { fill } : {}), changes, ...(lossy ? { lossy: true as const } : {}) });
  }

  // Constraints and indexes come off a dropped column first; a kept column keeps them.
  if (!options.allowDrop) for (const column of dropped) kept.add(column.name);
  const touchesKept = (columns: readonly string[]) => columns.some((c) => kept.has(c));

  // Indexes compare by kind and columns (live columns under their new names).
  const wantIndexes = new Map(want.indexes.map((i) => [indexKey(i), i]));
  const haveIndexes = new Map<string, IndexShape>();
  for (const index of have.indexes) haveIndexes.set(indexKey({ ...index, columns: index.columns.map(newName) }), index);
  for (const [key, index] of haveIndexes) if (!wantIndexes.has(key) && !touchesKept(index.columns)) plan({ kind: 'dropIndex', table: ref, index });
  for (const [key, index] of wantIndexes) if (!haveIndexes.has(key)) plan({ kind: 'addIndex', table: ref, index });

  // CHECK constraints and partial uniques compare by name (a changed expression needs a new name).
  const wantConstraints = new Map((want.constraints ?? []).map((c) => [constraintKey(c), c]));
  const haveConstraints = new Map<string, ConstraintDefinition>();
  for (const c of have.constraints ?? []) haveConstraints.set(constraintKey(c.kind === 'unique' ? { ...c, columns: c.columns.map(newName) } : c), c);
  for (const [key, c] of haveConstraints) if (!wantConstraints.has(key) && !(c.kind === 'unique' && touchesKept(c.columns))) plan({ kind: 'dropConstraint', table: ref, constraint: c });
  for (const [key, c] of wantConstraints) if (!haveConstraints.has(key)) plan({ kind: 'addConstraint', table: ref, constraint: c });

  const wantFks = new Map(want.foreignKeys.map((fk) => [fkKey(fk), fk]));
  const haveFks = new Map<string, ForeignKeyShape>();
  for (const fk of have.foreignKeys) haveFks.set(fkKey({ ...fk, column: newName(fk.column), table: run.renamedTable(fk.table) }), fk);
  for (const [key, fk] of haveFks) if (!wantFks.has(key) && !kept.has(fk.column)) plan({ kind: 'dropForeignKey', table: ref, foreignKey: fk });
  for (const [key, fk] of wantFks) if (!haveFks.has(key)) plan({ kind: 'addForeignKey', table: ref, foreignKey: fk });

  // Where a foreign key needs an index of its own (InnoDB), it comes off around changes of that index.
  const aroundIndexes = dialect.migrations.foreignKeysAroundIndexes;
  if (aroundIndexes) {
    for (const { drop, add } of aroundIndexes({ haveIndexes, wantIndexes, haveFks, wantFks, newName, touchesKept })) {
      plan({ kind: 'dropForeignKey', table: ref, foreignKey: drop });
      plan({ kind: 'addForeignKey', table: ref, foreignKey: add });
    }
  }

  for (const column of dropped) {
    plan({ kind: 'dropColumn', table: ref, column });
    if (!options.allowDrop) {
      const twin = added.find((a) => twinOf(a) === column);
      warnings.push(
        `${want.name}.${column.name} is in the database but not in the model: its drop is written commented out (pass --allow-drop to drop it).` +
          (twin ? ` If it was renamed to ${twin.name}, run again with --rename ${want.name}.${column.name}:${twin.name} to keep its data.` : ''),
      );
      if (!column.nullable && column.default === undefined && !column.autoincrement) {
        warnings.push(`${want.name}.${column.name} is NOT NULL without a default: inserts through the model fail until it is dropped or given a default.`);
      }
    }
  }
}

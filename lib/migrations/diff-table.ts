import type { Dialect } from '../dialects';
import type { ColumnDefinition } from '../metadata/table-definition';
import { columnChanges, parseFill } from './column-changes';
import type { DiffOptions, DiffProbe } from './diff';
import { planTableKeys } from './diff-keys';
import { checkNarrowing } from './narrowing';
import { similar } from './names';
import type { Operation, TableName } from './operations';
import type { TableShape } from './shape';

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

/** One table being compared: both sides, the table as its operations name it, and the run. */
export interface TableDiff {
  want: TableShape;
  have: TableShape;
  ref: TableName;
  run: DiffRun;
  /** A live column's name in the model (after a rename). */
  newName(column: string): string;
  /** Whether some of `columns` is a live column gone from the model whose drop is not allowed. */
  touchesKept(columns: readonly string[]): boolean;
  /** Whether `column` is a live column gone from the model whose drop is not allowed. */
  isKept(column: string): boolean;
}

/**
 * Plans the changes of one table that is both in the models (`want`) and in the database (`have`): named
 * column renames, added, altered and dropped columns, indexes and foreign keys.
 */
export async function diffTable(want: TableShape, have: TableShape, renames: ReadonlyMap<string, string>, run: DiffRun): Promise<void> {
  const ref: TableName = { name: want.name, schema: run.schema };
  const haveColumns = new Map(have.columns.map((c) => [c.name, c]));
  const wantColumns = new Map(want.columns.map((c) => [c.name, c]));
  planColumnRenames(want, haveColumns, wantColumns, renames, ref, run);

  // Live columns gone from the model (and not renamed): the candidates for a rename the user did not name.
  const dropped = have.columns.filter((c) => !renames.has(c.name) && !wantColumns.has(c.name));
  // Constraints and indexes come off a dropped column first; a kept column keeps them.
  const kept = new Set<string>(run.options.allowDrop ? [] : dropped.map((c) => c.name));
  const table: TableDiff = {
    want,
    have,
    ref,
    run,
    newName: (column) => renames.get(column) ?? column,
    touchesKept: (columns) => columns.some((c) => kept.has(c)),
    isKept: (column) => kept.has(column),
  };

  const added = await planColumns(table, haveColumns, renames, dropped);
  planTableKeys(table);
  planDroppedColumns(table, dropped, added);
}

/** The column renames the user named for this table, or the problems with them. */
function planColumnRenames(
  want: TableShape,
  haveColumns: ReadonlyMap<string, ColumnDefinition>,
  wantColumns: ReadonlyMap<string, ColumnDefinition>,
  renames: ReadonlyMap<string, string>,
  ref: TableName,
  run: DiffRun,
): void {
  const { problems, plan } = run;
  for (const [from, to] of renames) {
    if (!haveColumns.has(from))
      problems.push(`--rename ${want.name}.${from}:${to}: "${want.name}" has no column "${from}" in the database${similar(from, haveColumns.keys())}.`);
    else if (!wantColumns.has(to))
      problems.push(`--rename ${want.name}.${from}:${to}: the model of "${want.name}" has no column "${to}"${similar(to, wantColumns.keys())}.`);
    else if (haveColumns.has(to)) problems.push(`--rename ${want.name}.${from}:${to}: "${want.name}" already has a column "${to}".`);
    else if (wantColumns.has(from)) problems.push(`--rename ${want.name}.${from}:${to}: the model still has a column "${from}".`);
    else plan({ kind: 'renameColumn', table: ref, from, to });
  }
}

/** A dropped column that may be `column` under its old name (same type and length). */
function twinOf(dropped: readonly ColumnDefinition[], column: ColumnDefinition): ColumnDefinition | undefined {
  return dropped.find((d) => d.type === column.type && d.maxLength === column.maxLength);
}

/** Plans each model column that is new or changed, in the model's order; returns the new ones. */
async function planColumns(
  table: TableDiff,
  haveColumns: ReadonlyMap<string, ColumnDefinition>,
  renames: ReadonlyMap<string, string>,
  dropped: readonly ColumnDefinition[],
): Promise<ColumnDefinition[]> {
  const oldName = new Map([...renames].map(([from, to]) => [to, from]));
  const added: ColumnDefinition[] = [];
  for (const column of table.want.columns) {
    const liveName = oldName.get(column.name) ?? column.name;
    const current = haveColumns.get(liveName);
    if (!current) {
      added.push(column);
      await planAddedColumn(table, column, dropped);
    } else if (column.primaryKey || current.primaryKey) {
      warnPrimaryKeyChange(table, column, current, liveName);
    } else {
      await planAlteredColumn(table, column, current, liveName);
    }
  }
  return added;
}

/**
 * The `--fill` value of `where` for its existing rows, marked used; or, when none is given, `problem()` goes
 * to the problems and the result is undefined.
 */
function takeFill(run: DiffRun, column: ColumnDefinition, where: string, problem: () => string): unknown {
  const raw = run.fills.get(where);
  if (raw === undefined) {
    run.problems.push(problem());
    return undefined;
  }
  const fill = parseFill(column, raw, where);
  run.usedFills.add(where);
  return fill;
}

/** A model column the table lacks: added, filled where it is NOT NULL without a default and the table has rows. */
async function planAddedColumn(table: TableDiff, column: ColumnDefinition, dropped: readonly ColumnDefinition[]): Promise<void> {
  const { want, ref, run } = table;
  const where = `${want.name}.${column.name}`;
  let fill: unknown;
  if (!column.nullable && column.default === undefined && !column.autoincrement && (await run.probe.hasRows(ref))) {
    fill = takeFill(run, column, where, () => {
      const twin = twinOf(dropped, column);
      return (
        `${where} is NOT NULL without a default and "${want.name}" has rows: give the field a default, make it nullable, ` +
        `or pass --fill ${where}=<value> to fill the existing rows once` +
        (twin ? ` (or, if it is ${want.name}.${twin.name} renamed, pass --rename ${want.name}.${twin.name}:${column.name} to keep its data).` : '.')
      );
    });
  }
  run.plan(fill !== undefined ? { kind: 'addColumn', table: ref, column, fill } : { kind: 'addColumn', table: ref, column });
}

/** keelson does not change primary keys: a differing one is only warned about. */
function warnPrimaryKeyChange(table: TableDiff, column: ColumnDefinition, current: ColumnDefinition, liveName: string): void {
  const { want, have, run } = table;
  if (column.primaryKey !== current.primaryKey || (have.live?.get(liveName) && !run.dialect.columnTypeMatches(column, have.live.get(liveName)!))) {
    run.warnings.push(
      `${want.name}.${column.name}: the primary key differs from the database's; keelson does not change primary keys (write that migration by hand).`,
    );
  }
}

/** A column on both sides: altered where it differs, filled where it becomes NOT NULL, checked where it narrows. */
async function planAlteredColumn(table: TableDiff, column: ColumnDefinition, current: ColumnDefinition, liveName: string): Promise<void> {
  const { want, have, ref, run } = table;
  const where = `${want.name}.${column.name}`;
  const changes = columnChanges(column, current, have.live?.get(liveName), run.dialect);
  if (!changes.length) return;
  let fill: unknown;
  if (!column.nullable && current.nullable && (await run.probe.hasNulls(ref, liveName))) {
    fill = takeFill(
      run,
      column,
      where,
      () => `${where} becomes NOT NULL but holds NULLs: pass --fill ${where}=<value> to replace them, or keep the field nullable.`,
    );
  }
  const typeChange = changes.find((c) => c.startsWith('type '));
  const { lossy } = typeChange
    ? await checkNarrowing(
        {
          where,
          table: { name: run.liveTable(want.name), schema: run.schema },
          column: liveName,
          keys: have.primaryKeys,
          from: current,
          to: column,
          change: typeChange,
        },
        run,
      )
    : { lossy: false };
  const from = { ...current, name: column.name };
  run.plan({ kind: 'alterColumn', table: ref, from, to: column, ...(fill !== undefined ? { fill } : {}), changes, ...(lossy ? { lossy: true as const } : {}) });
}

/** Live columns gone from the model: dropped, or (without `allowDrop`) dropped commented out with warnings. */
function planDroppedColumns(table: TableDiff, dropped: readonly ColumnDefinition[], added: readonly ColumnDefinition[]): void {
  const { want, ref, run } = table;
  for (const column of dropped) {
    run.plan({ kind: 'dropColumn', table: ref, column });
    if (!run.options.allowDrop) {
      const twin = added.find((a) => twinOf(dropped, a) === column);
      run.warnings.push(
        `${want.name}.${column.name} is in the database but not in the model: its drop is written commented out (pass --allow-drop to drop it).` +
          (twin ? ` If it was renamed to ${twin.name}, run again with --rename ${want.name}.${column.name}:${twin.name} to keep its data.` : ''),
      );
      if (!column.nullable && column.default === undefined && !column.autoincrement) {
        run.warnings.push(`${want.name}.${column.name} is NOT NULL without a default: inserts through the model fail until it is dropped or given a default.`);
      }
    }
  }
}

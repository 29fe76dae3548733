import type { Dialect } from '../dialects';
import { ConfigurationError } from '../errors';
import { dependencyOrder } from '../metadata/ddl';
import { diffTable, DiffRun } from './diff-table';
import { similar, splitColumn } from './names';
import { describe, isDestructive, Operation, PlannedOperation, TableName } from './operations';
import type { TableShape } from './shape';
import type { BoundSql } from './unfit';

/** What the diff may ask of the live database. */
export interface DiffProbe {
  /** Whether the (live) table holds any row. */
  hasRows(table: TableName): Promise<boolean>;
  /** Whether the (live) column holds a NULL. */
  hasNulls(table: TableName, column: string): Promise<boolean>;
  /** How many rows of the (live) table `unfit` is true for, and up to `limit` of them (their `columns`). */
  unfitRows(table: TableName, unfit: BoundSql, columns: string[], limit: number): Promise<{ count: number; samples: Record<string, unknown>[] }>;
}

/** Options of `diffSchemas`. */
export interface DiffOptions {
  /** Table renames (old → new) and column renames (`table.old` → new), as the user named them. */
  renames?: { tables?: Map<string, string>; columns?: Map<string, string> };
  /** Write destructive steps (drops) instead of commenting them out. */
  allowDrop?: boolean;
  /** Values for existing rows of NOT NULL columns that get no default (`table.column` → raw text). */
  fill?: Map<string, string>;
  /** `table.column`s whose narrowing type change may alter values that do not fit (`--allow-lossy`). */
  allowLossy?: ReadonlySet<string>;
  /** Tables the diff never touches (the migration bookkeeping tables). */
  ignoreTables?: ReadonlySet<string>;
}

/** The operations that bring the live schema to the models, in the order they must run. */
export interface SchemaDiff {
  operations: PlannedOperation[];
  /** Things the user should read: skipped drops, possible renames, risky type changes. */
  warnings: string[];
}

/** The stages a migration runs in: constraints come off first, drops come last. */
const STAGES: Operation['kind'][] = [
  'renameTable',
  'dropForeignKey',
  'dropConstraint',
  'dropIndex',
  'renameColumn',
  'createTable',
  'addColumn',
  'alterColumn',
  'rebuildTable',
  'addIndex',
  'addConstraint',
  'addForeignKey',
  'dropColumn',
  'dropTable',
];

/** The models' tables by name, and the live ones by name (renamed tables under their new names). */
interface Tables {
  desired: readonly TableShape[];
  wanted: ReadonlyMap<string, TableShape>;
  live: Map<string, TableShape>;
}

/**
 * Compares the models' tables with the live ones and plans the operations that bring the database to the
 * models. Conservative by design: a column or table that is gone from the models is dropped only with
 * `allowDrop` (otherwise the drop is written commented out), a rename happens only when named, and a NOT
 * NULL column without a default is never added to a table with rows unless a fill value is given.
 */
export async function diffSchemas(
  desired: readonly TableShape[],
  liveTables: readonly TableShape[],
  context: { dialect: Dialect; schema?: string; probe: DiffProbe },
  options: DiffOptions = {},
): Promise<SchemaDiff> {
  const { ops, run } = startRun(context, options);
  const tables: Tables = {
    desired,
    wanted: new Map(desired.map((t) => [t.name, t])),
    live: new Map(liveTables.filter((t) => !options.ignoreTables?.has(t.name)).map((t) => [t.name, t])),
  };
  planTableRenames(tables, run);
  const created = planCreatedTables(tables, run);
  await diffCommonTables(tables, run);
  planDroppedTables(tables, created, ops, run);
  warnUnusedOptions(run);
  throwProblems(run.problems);

  // Where ALTER TABLE cannot do some of these in place (SQLite), the dialect folds them into table rebuilds.
  const staged = run.dialect.migrations.planRebuilds?.(ops, desired, tables.live, describe) ?? ops;
  return { operations: sortByStage(staged), warnings: run.warnings };
}

/** The planned operations (in the order planned) and the run that plans them, collecting warnings and problems. */
function startRun(context: { dialect: Dialect; schema?: string; probe: DiffProbe }, options: DiffOptions): { ops: PlannedOperation[]; run: DiffRun } {
  const { dialect, probe } = context;
  const ops: PlannedOperation[] = [];
  const plan = (op: Operation) => {
    const skipped = isDestructive(op) && !options.allowDrop;
    ops.push(skipped ? { op, skipped } : { op });
    return !skipped;
  };
  const tableRenames = new Map([...(options.renames?.tables ?? [])]);
  const renamedTable = (name: string) => tableRenames.get(name) ?? name;
  const liveNames = new Map([...tableRenames].map(([from, to]) => [to, from]));
  const liveTable = (name: string) => liveNames.get(name) ?? name;
  const run: DiffRun = {
    dialect,
    schema: context.schema,
    probe,
    options,
    plan,
    problems: [],
    warnings: [],
    fills: new Map(options.fill ?? []),
    usedFills: new Set<string>(),
    renamedTable,
    liveTable,
    usedLossy: new Set<string>(),
  };
  return { ops, run };
}

/** Named table renames: the live table continues under its new name. */
function planTableRenames({ wanted, live }: Tables, { options, schema, plan, problems }: DiffRun): void {
  for (const [from, to] of options.renames?.tables ?? []) {
    const table = live.get(from);
    if (!table) problems.push(`--rename ${from}:${to}: there is no table "${from}" in the database${similar(from, live.keys())}.`);
    else if (!wanted.has(to)) problems.push(`--rename ${from}:${to}: no model has the table "${to}"${similar(to, wanted.keys())}.`);
    else if (live.has(to)) problems.push(`--rename ${from}:${to}: the table "${to}" already exists.`);
    else if (wanted.has(from)) problems.push(`--rename ${from}:${to}: a model still has the table "${from}".`);
    else {
      plan({ kind: 'renameTable', table: { name: from, schema }, to });
      live.delete(from);
      live.set(to, { ...table, name: to, foreignKeys: table.foreignKeys });
    }
  }
}

/** New tables, in dependency order; a cycle's closing constraint is added once both tables exist. */
function planCreatedTables({ desired, live }: Tables, { dialect, plan }: DiffRun): TableShape[] {
  const created = desired.filter((t) => !live.has(t.name));
  const { order, cyclic } = dependencyOrder(created);
  const deferred = dialect.inlineForwardReferences ? new Set() : cyclic;
  for (const table of order) {
    const later = table.foreignKeys.filter((fk) => deferred.has(fk)).map((fk) => fk.column);
    plan(later.length ? { kind: 'createTable', table, withoutForeignKeys: later } : { kind: 'createTable', table });
    for (const fk of table.foreignKeys) if (deferred.has(fk)) plan({ kind: 'addForeignKey', table, foreignKey: fk });
  }
  return created;
}

/** The named column renames (`table.old` → new) by table; a table not on both sides is a problem. */
function columnRenamesByTable({ wanted, live }: Tables, { options, problems }: DiffRun): Map<string, Map<string, string>> {
  const columnRenames = new Map<string, Map<string, string>>();
  for (const [key, to] of options.renames?.columns ?? []) {
    const [table, from] = splitColumn(key);
    if (!columnRenames.has(table)) columnRenames.set(table, new Map());
    columnRenames.get(table)!.set(from, to);
  }
  for (const table of columnRenames.keys()) {
    if (!live.has(table) || !wanted.has(table))
      problems.push(`--rename ${table}.…: the table "${table}" must exist both in the models and in the database${similar(table, wanted.keys())}.`);
  }
  return columnRenames;
}

/** Tables on both sides: columns, indexes, foreign keys. */
async function diffCommonTables(tables: Tables, run: DiffRun): Promise<void> {
  const columnRenames = columnRenamesByTable(tables, run);
  for (const want of tables.desired) {
    const have = tables.live.get(want.name);
    if (have) await diffTable(want, have, columnRenames.get(want.name) ?? new Map(), run);
  }
}

/**
 * Tables gone from the models, dependents first. Where tables referencing each other cannot be dropped
 * one by one (PostgreSQL, MySQL), the constraint closing the cycle comes off first, as it went on last.
 */
function planDroppedTables(
  { wanted, live }: Tables,
  created: readonly TableShape[],
  ops: PlannedOperation[],
  { dialect, options, plan, warnings }: DiffRun,
): void {
  const gone = [...live.values()].filter((t) => !wanted.has(t.name));
  const goneOrder = dependencyOrder(gone);
  const closing = dialect.inlineForwardReferences ? new Set() : goneOrder.cyclic;
  for (const table of goneOrder.order.reverse()) {
    const later = table.foreignKeys.filter((fk) => closing.has(fk));
    const dropped = plan(later.length ? { kind: 'dropTable', table, withoutForeignKeys: later.map((fk) => fk.column) } : { kind: 'dropTable', table });
    for (const foreignKey of later)
      ops.push(dropped ? { op: { kind: 'dropForeignKey', table, foreignKey } } : { op: { kind: 'dropForeignKey', table, foreignKey }, skipped: true });
    if (!options.allowDrop) {
      const twin = created.find((c) => c.columns.length === table.columns.length);
      warnings.push(
        `Table ${table.name} is in the database but no model declares it: its drop is written commented out (pass --allow-drop to drop it).` +
          (twin ? ` If it was renamed to ${twin.name}, run again with --rename ${table.name}:${twin.name} to keep its rows.` : ''),
      );
    }
  }
}

/** Warns of `--fill` and `--allow-lossy` values no column used. */
function warnUnusedOptions({ options, fills, usedFills, usedLossy, warnings }: DiffRun): void {
  for (const key of fills.keys())
    if (!usedFills.has(key))
      warnings.push(`--fill ${key} is not used: no new NOT NULL column on a table with rows, and no column becoming NOT NULL with NULLs, is there.`);
  for (const key of options.allowLossy ?? [])
    if (!usedLossy.has(key)) warnings.push(`--allow-lossy ${key} is not used: no narrowing type change of that column is there.`);
}

/** Stops the migration from being written when the run found mistakes, naming them all. */
function throwProblems(problems: readonly string[]): void {
  if (problems.length) {
    throw new ConfigurationError(`Cannot write this migration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Stable sort of operations by the stage they belong to. */
function sortByStage(ops: PlannedOperation[]): PlannedOperation[] {
  return ops
    .map((p, i) => ({ p, i, s: STAGES.indexOf(p.op.kind) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.p);
}

import type { Dialect } from '../dialects';
import type { IntrospectedColumn } from '../dialects/introspection';
import { ConfigurationError } from '../errors';
import { dependencyOrder } from '../metadata/ddl';
import type { ColumnDefinition } from '../metadata/table-definition';
import type { FieldType } from '../metadata/types';
import { isDestructive, Operation, PlannedOperation, TableName } from './operations';
import { ForeignKeyShape, IndexShape, indexKey, normalizeAction, TableShape } from './shape';
import { sqliteRebuilds } from './sqlite/plan';

/** What the diff may ask of the live database. */
export interface DiffProbe {
  /** Whether the (live) table holds any row. */
  hasRows(table: TableName): Promise<boolean>;
  /** Whether the (live) column holds a NULL. */
  hasNulls(table: TableName, column: string): Promise<boolean>;
}

/** Options of `diffSchemas`. */
export interface DiffOptions {
  /** Table renames (old → new) and column renames (`table.old` → new), as the user named them. */
  renames?: { tables?: Map<string, string>; columns?: Map<string, string> };
  /** Write destructive steps (drops) instead of commenting them out. */
  allowDrop?: boolean;
  /** Values for existing rows of NOT NULL columns that get no default (`table.column` → raw text). */
  fill?: Map<string, string>;
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
  'renameTable', 'dropForeignKey', 'dropIndex', 'renameColumn', 'createTable', 'addColumn',
  'alterColumn', 'rebuildTable', 'addIndex', 'addForeignKey', 'dropColumn', 'dropTable',
];

const NUMERIC: ReadonlySet<FieldType> = new Set(['integer', 'bigint', 'float', 'decimal']);

/** Whether two literal defaults are the same value for a column of `type`. */
export function sameDefault(type: FieldType, a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? undefined) === (b ?? undefined);
  if (type === 'boolean') return toBoolean(a) === toBoolean(b);
  if (NUMERIC.has(type)) return Number(a) === Number(b);
  return String(a) === String(b);
}

const toBoolean = (v: unknown) => (typeof v === 'string' ? ['1', 't', 'true', 'y', 'yes', 'on'].includes(v.toLowerCase()) : Boolean(v));

/** Turns the text of `--fill table.column=value` into a value of the column's type. */
export function parseFill(column: ColumnDefinition, raw: string, where: string): unknown {
  switch (column.type) {
    case 'integer':
    case 'float':
      if (raw.trim() === '' || Number.isNaN(Number(raw))) throw new ConfigurationError(`--fill ${where}=${raw}: "${raw}" is not a number (the column is ${column.type}).`);
      return Number(raw);
    case 'bigint':
    case 'decimal':
      if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new ConfigurationError(`--fill ${where}=${raw}: "${raw}" is not a number (the column is ${column.type}).`);
      return raw.trim();
    case 'boolean':
      if (!/^(true|false|1|0)$/i.test(raw)) throw new ConfigurationError(`--fill ${where}=${raw}: use true or false (the column is boolean).`);
      return /^(true|1)$/i.test(raw);
    case 'json':
      try {
        return JSON.stringify(JSON.parse(raw));
      } catch {
        throw new ConfigurationError(`--fill ${where}=${raw}: not valid JSON (the column is json).`);
      }
    case 'enum':
      if (column.choices && !column.choices.map(String).includes(raw)) {
        throw new ConfigurationError(`--fill ${where}=${raw}: not one of the choices ${column.choices.map((c) => JSON.stringify(c)).join(', ')}.`);
      }
      return raw;
    default:
      return raw;
  }
}

/** What differs between a model column and its live column, in words (empty when nothing does). */
function columnChanges(want: ColumnDefinition, have: ColumnDefinition, live: IntrospectedColumn | undefined, dialect: Dialect): string[] {
  const changes: string[] = [];
  const typeMatches = live ? dialect.columnTypeMatches(want, live) : want.type === have.type;
  if (!typeMatches) changes.push(`type ${live?.dbType ?? have.type} -> ${describeType(want)}`);
  if (!want.primaryKey && want.nullable !== have.nullable) changes.push(want.nullable ? 'nullable' : 'not null');
  // Auto-increment keys' sequence defaults are the database's business; non-literal live defaults
  // (now(), CURRENT_TIMESTAMP) cannot be spelled by a model, so only literal defaults are compared.
  const liveExpression = live?.hasDefault && live.default === undefined;
  const comparable = !want.autoincrement && !dialect.defaultlessTypes.has(want.type) && !(want.default === undefined && liveExpression);
  if (comparable && !sameDefault(want.type, want.default, have.default)) {
    changes.push(want.default === undefined ? 'drop default' : `default ${JSON.stringify(want.default)}`);
  }
  return changes;
}

/**
 * Whether a type change may not fit every existing value: another kind of type, or a shorter string, or
 * fewer digits. (Widening a string or a number always converts.)
 */
function narrows(want: ColumnDefinition, have: ColumnDefinition): boolean {
  const widening: Partial<Record<FieldType, FieldType[]>> = { integer: ['bigint', 'float', 'decimal'], string: ['text'], enum: ['string', 'text'], float: ['decimal'] };
  if (want.type !== have.type) return !widening[have.type]?.includes(want.type) || (want.type === 'string' && want.maxLength !== undefined);
  if (want.type === 'string') return (want.maxLength ?? 255) < (have.maxLength ?? 255);
  if (want.type === 'decimal') return (want.precision ?? 10) - (want.scale ?? 2) < (have.precision ?? 10) - (have.scale ?? 2) || (want.scale ?? 2) < (have.scale ?? 2);
  return false;
}

/** `string(120)`, `decimal(10,2)`, `integer`: a model column's type for messages. */
export function describeType(c: ColumnDefinition): string {
  if (c.type === 'string') return `string(${c.maxLength ?? 255})`;
  if (c.type === 'decimal') return `decimal(${c.precision ?? 10},${c.scale ?? 2})`;
  if (c.type === 'enum') return `enum(${(c.choices ?? []).join('|')})`;
  if (c.type === 'datetime' && (c.precision !== undefined || c.timezone === false)) {
    return `datetime(${[c.precision !== undefined ? `precision ${c.precision}` : '', c.timezone === false ? 'without time zone' : ''].filter(Boolean).join(', ')})`;
  }
  return c.type;
}

const fkKey = (fk: ForeignKeyShape) => `${fk.column}->${fk.table}.${fk.references}:${normalizeAction(fk.onDelete)}/${normalizeAction(fk.onUpdate)}`;

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
  const { dialect, probe } = context;
  const ops: PlannedOperation[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  const fills = new Map(options.fill ?? []);
  const usedFills = new Set<string>();
  const plan = (op: Operation) => {
    const skipped = isDestructive(op) && !options.allowDrop;
    ops.push(skipped ? { op, skipped } : { op });
    return !skipped;
  };

  const wanted = new Map(desired.map((t) => [t.name, t]));
  const live = new Map(liveTables.filter((t) => !options.ignoreTables?.has(t.name)).map((t) => [t.name, t]));

  // Named table renames: the live table continues under its new name.
  for (const [from, to] of options.renames?.tables ?? []) {
    const table = live.get(from);
    if (!table) problems.push(`--rename ${from}:${to}: there is no table "${from}" in the database${similar(from, live.keys())}.`);
    else if (!wanted.has(to)) problems.push(`--rename ${from}:${to}: no model has the table "${to}"${similar(to, wanted.keys())}.`);
    else if (live.has(to)) problems.push(`--rename ${from}:${to}: the table "${to}" already exists.`);
    else if (wanted.has(from)) problems.push(`--rename ${from}:${to}: a model still has the table "${from}".`);
    else {
      plan({ kind: 'renameTable', table: { name: from, schema: context.schema }, to });
      live.delete(from);
      live.set(to, { ...table, name: to, foreignKeys: table.foreignKeys });
    }
  }
  const tableRenames = new Map([...(options.renames?.tables ?? [])]);
  const renamedTable = (name: string) => tableRenames.get(name) ?? name;

  // New tables, in dependency order; a cycle's closing constraint is added once both tables exist.
  const created = desired.filter((t) => !live.has(t.name));
  const { order, cyclic } = dependencyOrder(created);
  const deferred = dialect.inlineForwardReferences ? new Set() : cyclic;
  for (const table of order) {
    const later = table.foreignKeys.filter((fk) => deferred.has(fk)).map((fk) => fk.column);
    plan(later.length ? { kind: 'createTable', table, withoutForeignKeys: later } : { kind: 'createTable', table });
    for (const fk of table.foreignKeys) if (deferred.has(fk)) plan({ kind: 'addForeignKey', table, foreignKey: fk });
  }

  // Tables on both sides: columns, indexes, foreign keys.
  const columnRenames = new Map<string, Map<string, string>>();
  for (const [key, to] of options.renames?.columns ?? []) {
    const [table, from] = splitColumn(key);
    if (!columnRenames.has(table)) columnRenames.set(table, new Map());
    columnRenames.get(table)!.set(from, to);
  }
  for (const table of columnRenames.keys()) {
    if (!live.has(table) || !wanted.has(table)) problems.push(`--rename ${table}.…: the table "${table}" must exist both in the models and in the database${similar(table, wanted.keys())}.`);
  }

  for (const want of desired) {
    const have = live.get(want.name);
    if (!have) continue;
    const ref: TableName = { name: want.name, schema: context.schema };
    const renames = columnRenames.get(want.name) ?? new Map<string, string>();
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
      if (changes.some((c) => c.startsWith('type ')) && narrows(column, current)) warnings.push(`${where}: ${changes[0]}; existing values must convert, or the migration fails (and changes nothing on PostgreSQL).`);
      const from = { ...current, name: column.name };
      plan(fill !== undefined ? { kind: 'alterColumn', table: ref, from, to: column, fill, changes } : { kind: 'alterColumn', table: ref, from, to: column, changes });
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

    const wantFks = new Map(want.foreignKeys.map((fk) => [fkKey(fk), fk]));
    const haveFks = new Map<string, ForeignKeyShape>();
    for (const fk of have.foreignKeys) haveFks.set(fkKey({ ...fk, column: newName(fk.column), table: renamedTable(fk.table) }), fk);
    for (const [key, fk] of haveFks) if (!wantFks.has(key) && !kept.has(fk.column)) plan({ kind: 'dropForeignKey', table: ref, foreignKey: fk });
    for (const [key, fk] of wantFks) if (!haveFks.has(key)) plan({ kind: 'addForeignKey', table: ref, foreignKey: fk });

    if (dialect.name === 'mysql') {
      // InnoDB keeps a foreign key only with an index leading with its column: it refuses to drop the last
      // such index, and silently drops the one it made itself once another is added (so that one could not be
      // dropped by the down migration). A foreign key whose leading indexes all change comes off around it;
      // added back, it gets an index of InnoDB's own again where none of the model's serves it.
      const columnsOf = new Map<string, readonly string[]>([
        ...[...haveIndexes].map(([key, i]) => [key, i.columns.map(newName)] as const),
        ...[...wantIndexes].map(([key, i]) => [key, i.columns] as const),
      ]);
      const remaining = [...wantIndexes.keys(), ...[...haveIndexes].filter(([key, i]) => !wantIndexes.has(key) && touchesKept(i.columns)).map(([key]) => key)];
      const leading = (keys: Iterable<string>, column: string) => [...keys].filter((key) => columnsOf.get(key)![0] === column);
      for (const [key, fk] of wantFks) {
        const current = haveFks.get(key);
        if (!current) continue;
        const before = leading(haveIndexes.keys(), fk.column);
        const after = leading(remaining, fk.column);
        if (before.some((k) => after.includes(k)) || (!before.length && !after.length)) continue;
        plan({ kind: 'dropForeignKey', table: ref, foreignKey: current });
        plan({ kind: 'addForeignKey', table: ref, foreignKey: fk });
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

  // Tables gone from the models, dependents first. Where tables referencing each other cannot be dropped
  // one by one (PostgreSQL, MySQL), the constraint closing the cycle comes off first, as it went on last.
  const gone = [...live.values()].filter((t) => !wanted.has(t.name));
  const goneOrder = dependencyOrder(gone);
  const closing = dialect.inlineForwardReferences ? new Set() : goneOrder.cyclic;
  for (const table of goneOrder.order.reverse()) {
    const later = table.foreignKeys.filter((fk) => closing.has(fk));
    const dropped = plan(later.length ? { kind: 'dropTable', table, withoutForeignKeys: later.map((fk) => fk.column) } : { kind: 'dropTable', table });
    for (const foreignKey of later) ops.push(dropped ? { op: { kind: 'dropForeignKey', table, foreignKey } } : { op: { kind: 'dropForeignKey', table, foreignKey }, skipped: true });
    if (!options.allowDrop) {
      const twin = created.find((c) => c.columns.length === table.columns.length);
      warnings.push(
        `Table ${table.name} is in the database but no model declares it: its drop is written commented out (pass --allow-drop to drop it).` +
          (twin ? ` If it was renamed to ${twin.name}, run again with --rename ${table.name}:${twin.name} to keep its rows.` : ''),
      );
    }
  }

  for (const key of fills.keys()) if (!usedFills.has(key)) warnings.push(`--fill ${key} is not used: no new NOT NULL column on a table with rows, and no column becoming NOT NULL with NULLs, is there.`);
  if (problems.length) {
    throw new ConfigurationError(`Cannot write this migration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  const staged = dialect.name === 'sqlite' ? sqliteRebuilds(ops, desired, live) : ops;
  return { operations: sortByStage(staged), warnings };
}

/** Stable sort of operations by the stage they belong to. */
function sortByStage(ops: PlannedOperation[]): PlannedOperation[] {
  return ops
    .map((p, i) => ({ p, i, s: STAGES.indexOf(p.op.kind) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.p);
}

/** `post.title` → [`post`, `title`] (a schema-qualified table keeps its dots). */
function splitColumn(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** ` (did you mean "x"?)` when a known name is within two edits of the given one. */
function similar(name: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

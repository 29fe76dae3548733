import type { Dialect } from '../dialects';
import type { ColumnDefinition } from '../metadata/table-definition';
import { describeType } from './column-changes';
import type { Operation, TableName } from './operations';
import { literal } from './recorder';
import { unfitCheck } from './unfit';

/**
 * The statements a migration runs first, before any of its changes: for every narrowing type change, either a
 * guard that throws when a row does not fit the new type (so a migration made against one database refuses,
 * changing nothing, on another whose rows differ), or, where the change was allowed lossy, the update that
 * converts the rows that do not fit. They come first so that even on MySQL/MariaDB, which commits each DDL
 * statement, a refusal leaves the migration's tables as they were; names are therefore the ones the tables
 * and columns have before the migration's own renames.
 */

/** A type change of one column, under the names it has when the migration starts. */
interface Narrowing {
  table: TableName;
  column: string;
  from: ColumnDefinition;
  to: ColumnDefinition;
  lossy: boolean;
}

/** The type changes of `ops` (in the order they run), named as at the start of the migration. */
function narrowings(ops: readonly Operation[]): Narrowing[] {
  const tableStart = new Map<string, string>();
  const columnStart = new Map<string, string>();
  const startTable = (name: string) => tableStart.get(name) ?? name;
  const startColumn = (table: string, name: string) => columnStart.get(`${table}\0${name}`) ?? name;
  const found: Narrowing[] = [];
  for (const op of ops) {
    if (op.kind === 'renameTable') {
      tableStart.set(op.to, startTable(op.table.name));
    } else if (op.kind === 'renameColumn') {
      const table = startTable(op.table.name);
      columnStart.set(`${table}\0${op.to}`, startColumn(table, op.from));
    } else if (op.kind === 'alterColumn' && op.changes.some((c) => c.startsWith('type ') || c.startsWith('undo type '))) {
      const table = startTable(op.table.name);
      found.push({ table: { name: table, schema: op.table.schema }, column: startColumn(table, op.from.name), from: op.from, to: op.to, lossy: !!op.lossy });
    } else if (op.kind === 'rebuildTable') {
      // A rebuild copies each column from its old one: the copy is where the type changes.
      const table = startTable(op.from.name);
      for (const m of op.copy.filter((m) => m.retyped)) {
        const from = op.from.columns.find((c) => c.name === m.from);
        const to = op.to.columns.find((c) => c.name === m.column);
        if (from && to) found.push({ table: { name: table, schema: op.from.schema }, column: startColumn(table, from.name), from, to, lossy: !!m.lossy });
      }
    }
  }
  return found;
}

/** What {@link guardStatements} gives a migration function. */
export interface Guards {
  /** Statements (indented) to put at the top of the function body. */
  lines: string[];
  /** Whether they call `refuseUnfit` (the file must then carry {@link REFUSE_UNFIT}). */
  refuses: boolean;
}

/** The guards and lossy conversions for `ops`, one direction of a migration, in the order they run. */
export function guardStatements(ops: readonly Operation[], dialect: Dialect, indent: string): Guards {
  const lines: string[] = [];
  let refuses = false;
  for (const n of narrowings(ops)) {
    const check = unfitCheck(n.from, n.to, n.column, dialect);
    if (check.kind !== 'check') continue;
    const table = n.table.schema ? `${n.table.schema}.${n.table.name}` : n.table.name;
    const change = `${table}.${n.column}: ${describeType(n.from)} -> ${describeType(n.to)}`;
    if (n.lossy && check.convert) {
      lines.push(
        `${indent}// ${change}, allowed lossy: values that do not fit are ${check.effect}.`,
        `${indent}await knex.raw(${literal(`update ?? set ${dialect.quoteIdentifier(n.column).replace(/\?/g, '\\?')} = ${check.convert.sql} where ${check.unfit.sql}`)}, ${literal([table, ...check.convert.bindings, ...check.unfit.bindings])});`,
      );
    } else {
      refuses = true;
      lines.push(
        `${indent}// ${change} narrows: refuse, before changing anything, if a row does not fit.`,
        `${indent}await refuseUnfit(knex, ${literal(table)}, ${literal(check.unfit.sql)}, ${literal(check.unfit.bindings)}, ${literal(change)});`,
      );
    }
  }
  return { lines, refuses };
}

/** The helper a migration with guards carries (migration files import nothing from keelson). */
export const REFUSE_UNFIT = [
  '/**',
  ' * Throws, before the migration changes anything, when rows of `table` hold values a narrowing type change would',
  ' * alter: `unfit` (SQL, with `?` bindings) is true for them.',
  ' */',
  'async function refuseUnfit(knex: Knex, table: string, unfit: string, bindings: (string | number)[], change: string): Promise<void> {',
  "  const rows: { n?: unknown }[] = await knex(table).whereRaw(unfit, bindings).count({ n: '*' });",
  '  const count = Number(rows[0]?.n ?? 0);',
  '  if (count > 0) {',
  '    throw new Error(',
  '      `${change}: ${count} row(s) hold values that do not fit the new type, so this migration changes nothing. ` +',
  "        'Change those rows first, or make the migration again with --allow-lossy to convert them.',",
  '    );',
  '  }',
  '}',
];

import type { ColumnDefinition } from '../metadata/table-definition';
import type { DiffRun } from './diff-table';
import type { TableName } from './operations';
import { unfitCheck } from './unfit';

/**
 * makemigrations' side of a narrowing type change: it counts the live rows that would not survive the change
 * unchanged and refuses (a problem: nothing is written) unless `--allow-lossy table.column` says to convert
 * them, in which case it warns how many rows change. The migration file guards itself as well (writer.ts),
 * since it may be applied to a database whose rows differ from these.
 */

/** How many sample rows a message shows. */
const SAMPLES = 3;

/** One value for a message: long texts cut, dates as ISO. */
function shown(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return text;
}

/** What the diff needs to know about the column being narrowed. */
export interface NarrowedColumn {
  /** `table.column` as the models name it (the key of `--allow-lossy`). */
  where: string;
  /** The live table and column (before any rename in the same migration). */
  table: TableName;
  column: string;
  /** The live table's primary key columns, to name sample rows by. */
  keys: readonly string[];
  from: ColumnDefinition;
  to: ColumnDefinition;
  /** `type varchar(100) -> string(5)`: the change in words. */
  change: string;
}

/**
 * Checks a type change of a table that exists; returns whether the migration converts unfit values on
 * purpose (`lossy`). Problems and warnings go to `run`.
 */
export async function checkNarrowing(c: NarrowedColumn, run: DiffRun): Promise<{ lossy: boolean }> {
  const check = unfitCheck(c.from, c.to, c.column, run.dialect);
  if (check.kind === 'fits') return { lossy: false };
  const allowed = !!run.options.allowLossy?.has(c.where);
  if (allowed) run.usedLossy.add(c.where);
  const head = `${c.where}: ${c.change}`;
  const table = c.table.name;

  if (check.kind === 'unchecked') {
    if (!(await run.probe.hasRows(c.table))) {
      run.warnings.push(
        `${head} may not keep every value, and keelson cannot check which (${check.why}): "${table}" is empty here, but where it has rows the database converts them its own way, or the migration fails.`,
      );
    } else if (allowed) {
      run.warnings.push(
        `${head}: keelson cannot check which values change (${check.why}); with --allow-lossy the database converts them its own way, or the migration fails.`,
      );
    } else {
      run.problems.push(
        `${head}: "${table}" has rows, and keelson cannot check that their values survive the change (${check.why}). ` +
          `Convert them yourself first, or pass --allow-lossy ${c.where} to let the database convert them (some may change, or the migration fail).`,
      );
    }
    return { lossy: false };
  }

  const columns = [...c.keys.filter((k) => k !== c.column), c.column];
  const { count, samples } = await run.probe.unfitRows(c.table, check.unfit, columns, SAMPLES);
  const example = samples
    .map((row) =>
      columns.length > 1
        ? `${columns
            .slice(0, -1)
            .map((k) => `${k}=${shown(row[k])}`)
            .join(', ')}: ${shown(row[c.column])}`
        : shown(row[c.column]),
    )
    .join('; ');
  const rows = `${count} row${count === 1 ? '' : 's'}`;
  if (count === 0) {
    if (allowed && check.convert) {
      run.warnings.push(
        `${head}: every row of "${table}" fits today; with --allow-lossy the migration converts rows that do not (${check.effect}) where it runs.`,
      );
      return { lossy: true };
    }
    run.warnings.push(
      `${head}: every row of "${table}" fits today; the migration checks again before it changes the column, and refuses (changing nothing) if a row does not fit.`,
    );
    return { lossy: false };
  }
  if (!check.convert) {
    run.problems.push(
      `${head}: ${rows} of "${table}" hold values that do not fit (${example}) and have no counterpart (${check.effect}): ` +
        `change those rows first, or give the field a default among the choices (or make it nullable) and pass --allow-lossy ${c.where}.`,
    );
    return { lossy: false };
  }
  if (!allowed) {
    run.problems.push(
      `${head}: ${rows} of "${table}" hold values that do not fit (${example}): change those rows first, ` +
        `or pass --allow-lossy ${c.where} to convert them anyway (they will be ${check.effect}).`,
    );
    return { lossy: false };
  }
  run.warnings.push(`${head}: ${rows} of "${table}" will change with --allow-lossy: they will be ${check.effect} (${example}).`);
  return { lossy: true };
}

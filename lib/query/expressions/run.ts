import type { Knex } from 'knex';
import { QueryError } from '../../errors';
import type { BaseModel } from '../../models/base-model';
import { execute, reading } from '../executor';
import type { QueryCompiler } from '../compiler';
import type { QuerySet } from '../queryset';
import type { Expression } from './expression';
import { ComputedColumn, readRow } from './select';

/** Runs `qs.aggregate(...)`: one row of aggregates over the queryset's rows, read into a plain object. */
export async function runAggregate<T extends BaseModel>(qs: QuerySet<T>, aggregates: Record<string, Expression>): Promise<Record<string, unknown>> {
  if (typeof aggregates !== 'object' || aggregates === null)
    throw new QueryError('aggregate() takes an object of names and aggregates: aggregate({ n: Count() }).');
  const entries = Object.entries(aggregates);
  const { rows, columns } = await runComputed(qs, (compiler, runner) => compiler.aggregate(runner, entries));
  return readRow(rows[0] ?? {}, columns);
}

/** Runs `values(...keys)` / `valuesList(...keys)`: the result rows and how to read each selected column. */
export async function runValues<T extends BaseModel>(
  qs: QuerySet<T>,
  keys: readonly string[],
): Promise<{ rows: Record<string, unknown>[]; columns: ComputedColumn[] }> {
  for (const key of keys) if (typeof key !== 'string') throw new QueryError('values() takes field names.');
  return runComputed(qs, (compiler, runner) => compiler.selectValues(runner, keys));
}

/** Compiles `qs` with `build` on the runner the query executes on (the transaction's, inside one) and runs it. */
async function runComputed<T extends BaseModel>(
  qs: QuerySet<T>,
  build: (compiler: QueryCompiler, runner: Knex | Knex.Transaction) => { query: Knex.QueryBuilder; columns: ComputedColumn[] },
): Promise<{ rows: Record<string, unknown>[]; columns: ComputedColumn[] }> {
  qs = qs.forRead();
  const { compiler } = await qs.compile();
  let columns: ComputedColumn[] = [];
  const rows: Record<string, unknown>[] = await reading(qs.state, (db) =>
    execute(db, (runner) => {
      const compiled = build(compiler, runner);
      columns = compiled.columns;
      return compiled.query;
    }),
  );
  return { rows, columns };
}

import type { Knex } from 'knex';
import { QueryError } from '../../errors';
import type { QueryCompiler } from '../compiler';
import { resolveKey } from '../path';
import type { QuerySetState } from '../state';
import { isAggregate } from './aggregates';
import { CompileScope, Expression, ScopeColumn } from './expression';
import { FExpression } from './f';
import { annotationOf } from './scope';
import { ComputedColumn, SelectAlias, selectAggregates } from './select';

/** Whether `expression` reads an aggregate annotation by name (`Avg('nPosts')`, `F('nPosts')`). */
function readsAggregateAnnotation(state: QuerySetState, expression: Expression): boolean {
  const named = (path: string | undefined) => path !== undefined && !path.includes('__') && annotationOf(state, path)?.containsAggregate === true;
  if ((expression instanceof FExpression || isAggregate(expression)) && named(expression.path)) return true;
  return expression.children().some((child) => readsAggregateAnnotation(state, child));
}

/** Whether `aggregate({...})` must read the annotated rows first (an aggregate of an aggregate annotation). */
export const aggregatesAnnotations = (state: QuerySetState, aggregates: readonly (readonly [string, Expression])[]): boolean =>
  state.annotations !== undefined && aggregates.some(([, e]) => typeof e === 'object' && e !== null && readsAggregateAnnotation(state, e));

/** A path of the annotated rows' own columns, in the derived table `alias`. */
function ownColumn(state: QuerySetState, alias: string, path: string, context: string): ScopeColumn {
  let key: ReturnType<typeof resolveKey>;
  try {
    key = resolveKey(state.meta, path);
  } catch (error) {
    if (error instanceof QueryError) throw new QueryError(`${context}: ${error.message}`);
    throw error;
  }
  if (key.hops.length || key.lookup !== 'exact' || path.endsWith('__exact')) {
    throw new QueryError(`${context}: aggregating an aggregate annotation reads the annotated rows' own columns; "${path}" is not one.`);
  }
  return { column: `${alias}.${key.column}`, field: key.field, multiValued: false, joined: false };
}

/**
 * `qs.annotate({ n: Count('posts') }).aggregate({ mean: Avg('n') })`: the annotated rows (filters, slice and
 * annotations applied) as a derived table, aggregated outside; annotations read as its columns.
 */
export function aggregateOverAnnotated(
  compiler: QueryCompiler,
  runner: Knex | Knex.Transaction,
  aggregates: readonly (readonly [string, Expression])[],
): { query: Knex.QueryBuilder; columns: ComputedColumn[] } {
  const { state } = compiler;
  const alias = 'w';
  const inner = compiler.select(runner);
  const qb = runner.from(inner.query.as(alias));
  const aliases = new Map(inner.annotations.map((c) => [c.key, `${alias}.${c.as}`]));
  const base = compiler.scope(null, 'aggregate');
  const scope: CompileScope = {
    ...base,
    alias,
    condition: undefined,
    annotation: (name) => {
      const annotation = base.annotation(name);
      const as = aliases.get(name);
      return annotation && as ? new SelectAlias(as, annotation) : annotation;
    },
    resolve: (path, context) => ownColumn(state, alias, path, context),
    aggregate: (aggregate) => aggregate.compileOver(scope),
  };
  return { query: qb, columns: selectAggregates(scope, qb, aggregates) };
}

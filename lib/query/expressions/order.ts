import type { Knex } from 'knex';
import { QueryError } from '../../errors';
import { CompileScope, Expression, isOrderBy, OrderBy } from './expression';
import { annotationNamed, FExpression } from './f';

/** Adds `ORDER BY expression` (NULLs placed as asked, through the dialect) to `qb`, or only compiles it (checks) when null. */
export function orderByExpression(
  qb: Knex.QueryBuilder | null,
  scope: CompileScope,
  expression: Expression,
  descending: boolean,
  nulls?: 'first' | 'last',
): void {
  const { sql, bindings } = expression.compile(scope);
  if (!qb) return;
  if (!nulls) {
    qb.orderByRaw(`${sql} ${descending ? 'desc' : 'asc'}`, bindings as Knex.RawBinding[]);
    return;
  }
  const term = scope.dialect.orderNulls(sql, descending, nulls);
  const all: unknown[] = [];
  for (let i = 0; i < term.repeats; i++) all.push(...bindings);
  qb.orderByRaw(term.sql, all as Knex.RawBinding[]);
}

/**
 * Applies one `orderBy` term that is not a plain field key: an expression's `asc()`/`desc()`, or the name of an
 * annotation (`-nPosts`). Returns false for a field key, which the compiler orders itself.
 */
export function orderTerm(qb: Knex.QueryBuilder | null, scope: CompileScope, term: string | OrderBy): boolean {
  if (isOrderBy(term)) {
    if (term.expression.containsAggregate && !scope.aggregate)
      throw new QueryError(`orderBy(${String(term.expression)}): annotate() the aggregate and order by its name.`);
    // `F('name')` of an annotation orders by the annotation itself (bare, as a select alias must be).
    const named = term.expression instanceof FExpression ? annotationNamed(scope, term.expression.path) : undefined;
    orderByExpression(qb, scope, named ?? term.expression, term.descending, term.nulls);
    return true;
  }
  if (typeof term !== 'string') return false;
  const descending = term.startsWith('-');
  const annotation = scope.annotation(descending ? term.slice(1) : term);
  if (!annotation) return false;
  orderByExpression(qb, scope, annotation, descending);
  return true;
}

/** The opposite of an order (for `last()`). */
export const reverseOrder = (order: readonly (string | OrderBy)[]): (string | OrderBy)[] =>
  order.map((term) => (isOrderBy(term) ? term.reversed() : term.startsWith('-') ? term.slice(1) : `-${term}`));

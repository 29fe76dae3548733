import type { Knex } from 'knex';
import { QueryError } from '../../errors';
import type { BaseModel } from '../../models/base-model';
import { QueryCompiler } from '../compiler';
import { resolveKey } from '../path';
import type { QuerySet } from '../queryset';
import type { QuerySetState } from '../state';
import { CompileScope, Compiled, OutputField, TypeScope } from './expression';
import { Combinable } from './f';
import type { ValuesQuerySet } from './values-queryset';

/** What `Exists()` and `Subquery()` take: a queryset, or `qs.values('field')`. */
export type SubquerySource = QuerySet<BaseModel> | ValuesQuerySet<BaseModel>;

/** The state and selected keys of a subquery's source (a values queryset selects its keys, a queryset its key). */
function sourceOf(source: SubquerySource, what: string): { state: QuerySetState; keys: readonly string[] } {
  const values = source as Partial<ValuesQuerySet<BaseModel>>;
  const state = values.queryset ? values.queryset.state : (source as Partial<QuerySet<BaseModel>>).state;
  if (!state || typeof state !== 'object' || !('meta' in state)) {
    throw new QueryError(`${what}() takes a queryset or qs.values('field'), got ${Object.prototype.toString.call(source)}.`);
  }
  if (state.combined) throw new QueryError(`${what}() cannot take a union(), intersection() or difference(); filter with pk__in on each queryset instead.`);
  return { state, keys: values.queryset ? (values.keys ?? []) : [state.meta.pkName] };
}

/** A compiler for the inner query: its own root alias, `scope` as the query `OuterRef` resolves in. */
const innerCompiler = (state: QuerySetState, scope: CompileScope) => new QueryCompiler(state, scope.dialect, scope.childAlias(), scope);

/** `OuterRef('field__path')`: a column of the query around the subquery it is used in (a correlated subquery). */
export class OuterRefExpression extends Combinable {
  constructor(readonly path: string) {
    super();
    if (typeof path !== 'string' || path === '')
      throw new QueryError(`OuterRef() takes a field name or path such as "pk" or "author__name", got ${String(path)}.`);
  }

  compile(scope: CompileScope): Compiled {
    if (!scope.outer) throw new QueryError(`${String(this)} is only meaningful inside the queryset of an Exists() or Subquery().`);
    return { sql: '??', bindings: [scope.outer.resolve(this.path, String(this)).column] };
  }

  outputField(scope: TypeScope): OutputField | undefined {
    if (!scope.outer) return undefined;
    const { field } = resolveKey(scope.outer.meta, this.path);
    return { type: field.type, jsKind: field.jsKind, field };
  }

  override toString(): string {
    return `OuterRef("${this.path}")`;
  }
}

/** `Exists(qs)`: true when the queryset (usually correlated with `OuterRef`) has a row. A filter clause, or an annotation. */
export class ExistsExpression extends Combinable {
  private readonly state: QuerySetState;

  constructor(source: SubquerySource) {
    super();
    this.state = sourceOf(source, 'Exists').state;
  }

  compile(scope: CompileScope): Compiled {
    const query: Knex.QueryBuilder = innerCompiler(this.state, scope).exists(scope.runner);
    // Knex embeds a builder binding as a parenthesized subquery.
    return { sql: 'exists ?', bindings: [query] };
  }

  outputField(): OutputField {
    return { type: 'boolean', jsKind: 'other' };
  }

  override toString(): string {
    return `Exists(${this.state.meta.name})`;
  }
}

/**
 * `Subquery(qs.values('field').limit(1))`: the one column a queryset selects, as a value (an annotation, a compared
 * value) or as a set of rows (`filter({ pk__in: Subquery(qs.values('author')) })`). A queryset selects its key.
 */
export class SubqueryExpression extends Combinable {
  /** Read by `in` lookups: a subquery stands for a set of rows. */
  readonly rowSet = true;
  private readonly state: QuerySetState;
  private readonly key: string;

  constructor(source: SubquerySource) {
    super();
    const { state, keys } = sourceOf(source, 'Subquery');
    if (keys.length !== 1) throw new QueryError(`Subquery() selects one column: pass qs.values('field') with exactly one field (got ${keys.length}).`);
    this.state = state;
    this.key = keys[0];
  }

  compile(scope: CompileScope): Compiled {
    const { query } = innerCompiler(this.state, scope).selectValues(scope.runner, [this.key]);
    return { sql: '?', bindings: [query] };
  }

  outputField(): OutputField | undefined {
    const annotation = this.state.annotations?.find(([name]) => name === this.key)?.[1];
    if (annotation) return annotation.outputField({ meta: this.state.meta, annotation: (n) => this.state.annotations?.find(([a]) => a === n)?.[1] });
    const { field } = resolveKey(this.state.meta, this.key);
    return { type: field.type, jsKind: field.jsKind, field };
  }

  override toString(): string {
    return `Subquery(${this.state.meta.name}.${this.key})`;
  }
}

/** `OuterRef('field__path')`: a column of the outer query, inside the queryset of an `Exists()` or `Subquery()`. */
export function OuterRef(path: string): OuterRefExpression {
  return new OuterRefExpression(path);
}

/** `Exists(qs)`: true when the queryset has a row; `filter(Exists(…))`, `exclude(Exists(…))`, or an annotation. */
export function Exists(source: SubquerySource): ExistsExpression {
  return new ExistsExpression(source);
}

/** `Subquery(qs.values('field').limit(1))`: the queryset's one column, as a value or (`pk__in`) a set of rows. */
export function Subquery(source: SubquerySource): SubqueryExpression {
  return new SubqueryExpression(source);
}

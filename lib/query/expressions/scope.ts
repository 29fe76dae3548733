import type { Knex } from 'knex';
import type { Dialect } from '../../dialects';
import type { JsonStep } from '../../dialects/json-sql';
import { QueryError } from '../../errors';
import type { FieldMeta } from '../../metadata/types';
import { tableQuery } from '../executor';
import { resolveKey } from '../path';
import type { Lookups, Q } from '../q';
import type { QuerySetState } from '../state';
import { AggregateLike, CompileScope, Compiled, Expression, ExpressionPlace, isExpression, OutputField, ScopeColumn } from './expression';
import { clausesSql, lookupSql } from './lookup-sql';

/** A filter key resolved for one query: the qualified column, its field, the lookup, and what the path crossed. */
export interface HostKey {
  column: string;
  field: FieldMeta;
  lookup: string;
  /** The path crossed a join that can repeat rows of the queried table. */
  multiValued: boolean;
  /** The path needed at least one join. */
  joined: boolean;
  /** Steps inside a JSON field (`settings__tags__0`). */
  jsonPath?: readonly JsonStep[];
}

/** What a scope needs of the query compiler (implemented by `QueryCompiler`). */
export interface ScopeHost {
  readonly state: QuerySetState;
  readonly dialect: Dialect;
  readonly root: string;
  readonly outer?: CompileScope;
  /** Resolves a filter key, adding its joins to `qb` (none when null). */
  resolve(qb: Knex.QueryBuilder | null, key: string): HostKey;
  /** A compiler for a subquery over the same state, rooted at `alias`. */
  child(alias: string): ScopeHost;
  /** A fresh root alias for a subquery of this query. */
  childAlias(): string;
  /** Restricts `qb` (rooted at this host's alias) to the queryset's rows; `having` also applies filters on aggregates (grouped). */
  restrictRows(runner: Knex | Knex.Transaction, qb: Knex.QueryBuilder, having: boolean): void;
}

/**
 * How aggregates compile in a scope: `row` one value per instance (a subquery correlated on the key),
 * `group` over the rows of each group (joins are single-valued; a multi-valued path becomes a subquery
 * correlated on the group keys, so two such aggregates never multiply each other's rows), `over` straight
 * over the scope's rows, `none` refused.
 */
export type AggregateMode = 'row' | 'group' | 'over' | 'none';

/** The named annotation of a queryset state. */
export const annotationOf = (state: QuerySetState, name: string): Expression | undefined => state.annotations?.find(([n]) => n === name)?.[1];

/** Whether a filter key starts with an annotation's name (`nPosts__gt`). */
export const isAnnotationKey = (state: QuerySetState, key: string): boolean =>
  state.annotations !== undefined && annotationOf(state, key.split('__')[0]) !== undefined;

const pkColumn = (state: QuerySetState) => state.meta.fields.get(state.meta.pkName)!.column;

/** The scope of a query being compiled on `qb` (null: resolve only, no joins added). */
export function compileScope(
  host: ScopeHost,
  qb: Knex.QueryBuilder | null,
  runner: Knex | Knex.Transaction,
  place: ExpressionPlace,
  mode: AggregateMode,
): CompileScope {
  const { state, dialect } = host;
  const scope: CompileScope = {
    meta: state.meta,
    dialect,
    runner,
    alias: host.root,
    schema: state.schema,
    outer: host.outer,
    place,
    annotation: (name) => annotationOf(state, name),
    childAlias: () => host.childAlias(),
    resolve: (path, context) => resolveColumn(host, qb, place, path, context),
    condition: (clauses, context) => conditionSql(scope, host, qb, clauses, false, context),
  };
  if (mode === 'row') scope.aggregate = (aggregate) => rowAggregate(host, runner, aggregate);
  else if (mode === 'group') scope.aggregate = (aggregate) => groupAggregate(scope, host, runner, aggregate);
  else if (mode === 'over') scope.aggregate = (aggregate) => aggregate.compileOver(scope);
  return scope;
}

function resolveColumn(host: ScopeHost, qb: Knex.QueryBuilder | null, place: ExpressionPlace, path: string, context: string): ScopeColumn {
  let r: HostKey;
  try {
    if (place === 'update') {
      // An UPDATE names its own table's columns only (as Django: no joins in an update).
      const key = resolveKey(host.state.meta, path);
      if (key.hops.length) throw new QueryError(`"${path}" crosses a relation; update() can only read the updated table's own columns.`);
      r = { column: key.column, field: key.field, lookup: key.lookup, multiValued: false, joined: false, jsonPath: key.jsonPath };
    } else r = host.resolve(qb, path);
  } catch (error) {
    if (error instanceof QueryError) throw new QueryError(`${context}: ${error.message}`);
    throw error;
  }
  if (r.lookup !== 'exact' || path.endsWith('__exact') || r.jsonPath)
    throw new QueryError(`${context}: "${path}" ends in a lookup; name a field or a relation path.`);
  return { column: r.column, field: r.field, multiValued: r.multiValued, joined: r.joined };
}

const fieldOutput = (field: FieldMeta): OutputField => ({ type: field.type, jsKind: field.jsKind, field });

/**
 * Filter clauses as one SQL condition in `scope`: keys naming an annotation compare its expression, others
 * their column (joins added to `qb`); values may be expressions. `negated` as for `QueryCompiler.applyClause`:
 * under a NOT, a comparison with a value that may be NULL also requires it to be set (Django's exclude).
 */
export function conditionSql(
  scope: CompileScope,
  host: ScopeHost,
  qb: Knex.QueryBuilder | null,
  clauses: readonly (Q | Lookups)[],
  negated: boolean,
  context: string,
): Compiled {
  const compileValue = (value: unknown) => filterValue(scope, value as Expression, context);
  return clausesSql(clauses, negated, (key, value, underNot) => {
    const parts = key.split('__');
    const annotation = annotationOf(host.state, parts[0]);
    let lhs: Compiled;
    let output: OutputField | undefined;
    let lookup: string;
    let mayBeNull = true;
    if (annotation) {
      if (parts.length > 2) throw new QueryError(`${context}: "${key}": an annotation takes one lookup (such as "${parts[0]}__gt").`);
      lookup = parts[1] ?? 'exact';
      const compiled = annotation.compile(scope);
      lhs = { sql: `(${compiled.sql})`, bindings: compiled.bindings };
      output = annotation.outputField(scope);
    } else {
      const r = host.resolve(qb, key);
      if (r.jsonPath) throw new QueryError(`${context}: "${key}": JSON lookups cannot be combined with annotations in one filter call.`);
      lhs = { sql: '??', bindings: [r.column] };
      output = fieldOutput(r.field);
      lookup = r.lookup;
      mayBeNull = r.field.nullable || r.joined;
    }
    const term = lookupSql(lhs, output, lookup, value, scope.dialect, key, compileValue);
    if (underNot && mayBeNull && lookup !== 'isnull' && value !== null) {
      return { sql: `${term.sql} and ${lhs.sql} is not null`, bindings: [...term.bindings, ...lhs.bindings] };
    }
    return term;
  });
}

/** `scope`, noting in `seen` whether the paths it resolves join, and whether they repeat rows. */
export function noting(scope: CompileScope, seen: { joined: boolean; multiValued: boolean }): CompileScope {
  return {
    ...scope,
    resolve: (path, context) => {
      const r = scope.resolve(path, context);
      seen.joined ||= r.joined;
      seen.multiValued ||= r.multiValued;
      return r;
    },
  };
}

/** An expression used as a filter value (`views__gt: F('likes')`): never an aggregate (filter on an annotation of it instead). */
export function filterValue(scope: CompileScope, value: Expression, key: string): Compiled {
  if (!isExpression(value)) throw new QueryError(`Filter "${key}": expected an expression.`);
  if (value.containsAggregate) throw new QueryError(`Filter "${key}": ${String(value)} is an aggregate; annotate() it and filter on the annotation's name.`);
  const compiled = value.compile(scope);
  // A lone binding is atomic already; a subquery builder keeps its single parentheses (`pk in (select …)`).
  return compiled.sql === '?' ? compiled : { sql: `(${compiled.sql})`, bindings: compiled.bindings };
}

/** An aggregate for one instance: `(SELECT agg FROM table s [joins] WHERE s.pk = t0.pk)`. */
function rowAggregate(host: ScopeHost, runner: Knex | Knex.Transaction, aggregate: AggregateLike): Compiled {
  const sub = host.child(host.childAlias());
  const qb = tableQuery(runner, host.state.meta, host.state.schema, sub.root, host.state.alias);
  const compiled = aggregate.compileOver(compileScope(sub, qb, runner, 'aggregate', 'none'));
  const pk = pkColumn(host.state);
  qb.select(runner.raw(compiled.sql, compiled.bindings as Knex.RawBinding[])).where(`${sub.root}.${pk}`, runner.ref(`${host.root}.${pk}`));
  return { sql: '?', bindings: [qb] };
}

/** A group key's SQL in `scope`: an annotation's expression, or the column of a path. */
export function groupKeySql(scope: CompileScope, key: string): Compiled {
  const annotation = scope.annotation(key);
  if (annotation) return annotation.compile(scope);
  return { sql: '??', bindings: [scope.resolve(key, `values("${key}")`).column] };
}

/**
 * An aggregate over the rows of a group. Single-valued paths aggregate the group's own rows; a multi-valued
 * one is a subquery over the queryset's rows whose group keys equal the outer row's (NULL keys equal too).
 */
function groupAggregate(scope: CompileScope, host: ScopeHost, runner: Knex | Knex.Transaction, aggregate: AggregateLike): Compiled {
  if (!aggregate.multiValued?.(scope)) return aggregate.compileOver(scope);
  const sub = host.child(host.childAlias());
  const qb = tableQuery(runner, host.state.meta, host.state.schema, sub.root, host.state.alias);
  sub.restrictRows(runner, qb, false);
  const inner = compileScope(sub, qb, runner, 'aggregate', 'none');
  for (const key of host.state.groupBy ?? []) {
    const a = groupKeySql(inner, key);
    let b = groupKeySql(scope, key);
    // A key with bound values is grouped by its select position, so the outer query cannot name it again
    // (PostgreSQL sees `rank * $3` as ungrouped): `min()` of it is the group's one value, NULL for the NULL group.
    if (b.bindings.length) b = { sql: `min(${b.sql})`, bindings: b.bindings };
    qb.whereRaw(host.dialect.nullSafeEquals(a.sql, b.sql), [...a.bindings, ...b.bindings] as Knex.RawBinding[]);
  }
  const compiled = aggregate.compileOver(inner);
  qb.select(runner.raw(compiled.sql, compiled.bindings as Knex.RawBinding[]));
  return { sql: '?', bindings: [qb] };
}

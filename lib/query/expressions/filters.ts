import type { Knex } from 'knex';
import type { Dialect } from '../../dialects';
import { QueryError } from '../../errors';
import type { FieldMeta } from '../../metadata/types';
import type { WhereNode } from '../state';
import type { CompileScope, Compiled } from './expression';
import { lookupSql, someKey } from './lookup-sql';
import { tableQuery } from '../executor';
import { resolveKey } from '../path';
import { annotationOf, compileScope, conditionSql, isAnnotationKey, ScopeHost } from './scope';

/** Whether a filter call names an annotation (`nPosts__gt`): it compiles as SQL text, not by Knex's where-builders. */
export const namesAnnotation = (host: ScopeHost, node: WhereNode): boolean =>
  host.state.annotations !== undefined && someKey(node.clauses, (key) => isAnnotationKey(host.state, key));

/** Whether a filter call compares an aggregate annotation (grouped: it belongs in HAVING). */
const namesAggregate = (host: ScopeHost, node: WhereNode): boolean =>
  someKey(node.clauses, (key) => annotationOf(host.state, key.split('__')[0])?.containsAggregate === true);

/**
 * Applies filter calls that name annotations. Per instance they are WHERE conditions on the annotation's
 * expression (an aggregate is a correlated subquery there); grouped, a call on an aggregate goes to HAVING
 * (left out when `having` is false: a subquery over the group's rows), others to WHERE.
 */
export function applyAnnotationFilters(host: ScopeHost, scope: CompileScope, qb: Knex.QueryBuilder, nodes: readonly WhereNode[], having: boolean): void {
  for (const node of nodes) {
    const inHaving = host.state.groupBy !== undefined && namesAggregate(host, node);
    if (inHaving && !having) continue;
    const context = node.negated ? 'exclude()' : 'filter()';
    if (!inHaving && crossesMultiValued(host, node)) {
      applyAsSubquery(host, scope, qb, node, context);
      continue;
    }
    const condition = conditionSql(scope, host, qb, node.clauses, node.negated, context);
    const sql = node.negated ? `not (${condition.sql})` : condition.sql;
    const bindings = condition.bindings as Knex.RawBinding[];
    if (inHaving) qb.havingRaw(sql, bindings);
    else qb.whereRaw(sql, bindings);
  }
}

/** `column <lookup> expression` for a filter whose value is an expression (`views__gt: F('likes')`), compiled ahead. */
export function expressionLookup(
  resolved: { column: string; field: FieldMeta; lookup: string; joined: boolean; jsonPath?: unknown },
  value: unknown,
  rhs: Compiled,
  negated: boolean,
  dialect: Dialect,
  key: string,
): Compiled {
  const { column, field, lookup, joined } = resolved;
  if (resolved.jsonPath) throw new QueryError(`Filter "${key}": a JSON key path cannot be compared with an expression.`);
  const lhs = { sql: '??', bindings: [column] };
  const term = lookupSql(lhs, { type: field.type, jsKind: field.jsKind, field }, lookup, value, dialect, key, () => rhs);
  if (negated && (field.nullable || joined)) return { sql: `${term.sql} and ?? is not null`, bindings: [...term.bindings, column] };
  return term;
}

/** Whether a filter call has a key (not an annotation's) through a relation that repeats rows (reverse FK, many-to-many). */
const crossesMultiValued = (host: ScopeHost, node: WhereNode): boolean =>
  someKey(node.clauses, (key) => !isAnnotationKey(host.state, key) && resolveKey(host.state.meta, key).multiValued);

/**
 * A filter call naming an annotation and crossing a multi-valued relation, as `pk [NOT] IN (SELECT pk … WHERE
 * <its lookups>)`: its joins stay in the subquery, so rows never repeat (as for filters without annotations).
 */
function applyAsSubquery(host: ScopeHost, scope: CompileScope, qb: Knex.QueryBuilder, node: WhereNode, context: string): void {
  const { meta, schema } = host.state;
  const pk = meta.fields.get(meta.pkName)!.column;
  const sub = host.child(host.childAlias());
  const inner = tableQuery(scope.runner, meta, schema, sub.root, host.state.alias);
  const innerScope = compileScope(sub, inner, scope.runner, 'select', 'row');
  const condition = conditionSql(innerScope, sub, inner, node.clauses, false, context);
  inner.whereRaw(condition.sql, condition.bindings as Knex.RawBinding[]).select(`${sub.root}.${pk}`);
  if (node.negated) qb.whereNotIn(`${host.root}.${pk}`, inner);
  else qb.whereIn(`${host.root}.${pk}`, inner);
}

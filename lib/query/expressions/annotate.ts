import { QueryError } from '../../errors';
import { ANNOTATIONS } from '../../models/to-json';
import type { QuerySetState } from '../state';
import type { Expression } from './expression';
import { checkAnnotationName, ComputedColumn } from './select';

/**
 * The state with `annotations` added (names checked: identifiers that no field, relation, method or earlier
 * annotation holds). `groupBy`: the `values(...)` keys to group by (Django's `values().annotate()`).
 */
export function annotatedState(state: QuerySetState, annotations: Record<string, Expression>, groupBy?: readonly string[]): Partial<QuerySetState> {
  if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) {
    throw new QueryError('annotate() takes an object of names and expressions: annotate({ nPosts: Count("posts_set") }).');
  }
  const added = Object.entries(annotations);
  for (const [name, expression] of added) checkAnnotationName(state, name, expression);
  if (groupBy && state.groupBy === undefined && state.annotations?.some(([, e]) => e.containsAggregate)) {
    throw new QueryError(
      'values(...).annotate(...): this queryset already has aggregate annotations per instance; group with values() before annotating aggregates.',
    );
  }
  const change: Partial<QuerySetState> = { annotations: [...(state.annotations ?? []), ...added] };
  if (groupBy && groupBy.length && state.groupBy === undefined) change.groupBy = groupBy;
  return change;
}

/** Sets each annotation's value on the instances hydrated from `rows`, and records the names for `toJSON()`. */
export function attachAnnotations(instances: readonly object[], rows: readonly Record<string, unknown>[], columns: readonly ComputedColumn[]): void {
  if (columns.length === 0) return;
  const names = columns.map((c) => c.key);
  for (let i = 0; i < instances.length; i++) {
    const target = instances[i] as Record<string | symbol, unknown>;
    for (const c of columns) target[c.key] = c.convert(rows[i][c.as]);
    target[ANNOTATIONS] = names;
  }
}

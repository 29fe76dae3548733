import type { Dialect } from '../dialects';
import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION, locationAt } from '../models/state';
import type { SelectedRelation } from './compiler';
import { attachAnnotations } from './expressions/annotate';
import type { ComputedColumn } from './expressions/select';
import { hydratorFor } from './hydrator';
import { ambientSchema } from './executor';
import { attachSelected, relatedHydrators } from './select-related';
import type { QuerySetState } from './state';

/**
 * Instances of the queryset's model from result rows: hydrated, with the annotations and `selectRelated()` relations the
 * SELECT carried, and marked with the alias and schema they were read from when those are not the model's own.
 */
export function instancesFrom<T extends BaseModel>(
  rows: readonly Record<string, unknown>[],
  state: QuerySetState,
  dialect: Dialect,
  selected: readonly SelectedRelation[] = [],
  annotations: readonly ComputedColumn[] = [],
): T[] {
  const hydrate = hydratorFor<T>(state.meta, dialect);
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hydrate(rows[i]);
  attachAnnotations(out, rows, annotations);
  const location = locationAt(state.meta.database, state.alias, state.schema ?? ambientSchema(state.meta));
  if (selected.length) {
    const readers = relatedHydrators([...selected], dialect, location);
    for (let i = 0; i < rows.length; i++) attachSelected(out[i], rows[i], readers);
  }
  if (location) for (const item of out) (item as InstanceState)[LOCATION] = location;
  return out;
}

/** Symbols for keelson's per-instance bookkeeping, kept off the user's property namespace. */

/** Set once the instance has a row in the database (hydrated or inserted). */
export const PERSISTED = Symbol.for('keelson:persisted');
/** Cache of related instances / managers by relation name. */
export const RELATED = Symbol.for('keelson:related');

/** The bookkeeping fields every model instance may carry. */
export interface InstanceState {
  [PERSISTED]?: boolean;
  [RELATED]?: Record<string, unknown>;
}

/** The per-instance cache of related objects, created on first use. */
export function relatedCache(instance: object): Record<string, unknown> {
  const state = instance as InstanceState;
  return (state[RELATED] ??= Object.create(null) as Record<string, unknown>);
}

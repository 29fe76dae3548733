import type { ModelMeta } from '../metadata/types';

/** Whether two models' rows live in different databases (no join between them is possible). */
export function crossesDatabase(from: ModelMeta, to: ModelMeta): boolean {
  return from.registry.databaseFor(from.database) !== to.registry.databaseFor(to.database);
}

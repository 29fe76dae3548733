import type { Dialect } from '../dialect';

/** `FOR UPDATE` / `FOR SHARE`, `OF` the given table aliases (all tables of the query when none), then `SKIP LOCKED` or `NOWAIT`. */
export const lockPostgresRows: Dialect['lockRows'] = (select, mode, options = {}) => {
  // Knex writes a dangling `of` for an empty list: the tables go in only when there are some.
  const of = options.of?.length ? [...options.of] : [];
  if (mode === 'share') select.forShare(...of);
  else select.forUpdate(...of);
  if (options.skipLocked) select.skipLocked();
  else if (options.nowait) select.noWait();
  return select;
};

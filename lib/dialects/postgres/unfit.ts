import type { UnfitSql } from '../unfit-sql';

/** PostgreSQL's spelling of the narrowing checks' functions. */
export const postgresUnfitSql: UnfitSql = {
  charLength: (c) => `char_length(${c})`,
  // round(double precision, int) does not exist: numeric rounds both kinds, and casts back for a float column.
  round: (c, scale) => `round(${c}::numeric, ${scale})`,
  dateOf: (c) => `cast(${c} as date)`,
  hasTime: (c) => `${c} <> cast(${c} as date)`,
};

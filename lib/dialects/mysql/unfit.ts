import type { UnfitSql } from '../unfit-sql';

/** MySQL/MariaDB's spelling of the narrowing checks' functions. */
export const mysqlUnfitSql: UnfitSql = {
  charLength: (c) => `char_length(${c})`,
  round: (c, scale) => `round(${c}, ${scale})`,
  dateOf: (c) => `cast(${c} as date)`,
  hasTime: (c) => `${c} <> cast(${c} as date)`,
};

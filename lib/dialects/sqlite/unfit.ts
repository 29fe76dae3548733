import type { UnfitSql } from '../unfit-sql';

/** SQLite's spelling of the narrowing checks' functions (datetimes are ISO text here, see `toDb`). */
export const sqliteUnfitSql: UnfitSql = {
  charLength: (c) => `length(${c})`,
  round: (c, scale) => `round(${c}, ${scale})`,
  dateOf: (c) => `date(${c})`,
  // `%f` keeps the milliseconds, so 00:00:00.5 counts as a time of day.
  hasTime: (c) => `strftime('%H:%M:%f', ${c}) <> '00:00:00.000'`,
};

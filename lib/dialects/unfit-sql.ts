/**
 * The SQL functions a narrowing type change's checks need, where the dialects spell them differently.
 * Each takes a column expression already quoted (see `Dialect.quoteIdentifier`) and returns SQL text with
 * no bindings; the migration check in `lib/migrations/unfit.ts` builds the rest from portable SQL.
 */
export interface UnfitSql {
  /** The number of characters of a text value. */
  charLength(column: string): string;
  /** A number rounded to `scale` decimal places (`scale` is a non-negative integer), of the column's own type. */
  round(column: string, scale: number): string;
  /** A datetime's date (what a `date` column keeps of it). */
  dateOf(column: string): string;
  /** True when a datetime has a time of day other than midnight (a `date` column would lose it). */
  hasTime(column: string): string;
}

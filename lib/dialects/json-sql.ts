/** One step into a JSON value: an object key (a string) or an array index (a non-negative integer). */
export type JsonStep = string | number;

/** SQL text with its positional bindings (`??` identifiers and `?` values, in order). */
export interface SqlFragment {
  sql: string;
  bindings: unknown[];
}

/** What a JSON value may be, as the lookups tell them apart (booleans by value: SQLite has no boolean kind). */
export type JsonKind = 'string' | 'number' | 'true' | 'false' | 'null' | 'object' | 'array';

/**
 * How a dialect reads inside a JSON column. `column` is an identifier (bound to a `??` placeholder) and `path`
 * the steps from the top of the value; keys and indexes always travel as bound values, never as SQL text.
 * Every condition is true or false, never NULL (a missing key or a NULL column is false), so `exclude` keeps
 * the rows a condition does not hold for.
 */
export interface JsonSql {
  /** True when the value at `path` exists and is of `kind`. */
  kindIs(column: string, path: readonly JsonStep[], kind: JsonKind): SqlFragment;
  /** The text of the value at `path` as an SQL string (meaningful for JSON strings; pair with `kindIs`). */
  text(column: string, path: readonly JsonStep[]): SqlFragment;
  /** The value at `path` as an SQL number when it is a JSON number, else NULL. */
  number(column: string, path: readonly JsonStep[]): SqlFragment;
  /** True when `path` exists (a key holding JSON null too). */
  hasKey(column: string, path: readonly JsonStep[]): SqlFragment;
  /**
   * True when the value at `path` contains `json` (an object or array, as JSON text); absent where the dialect
   * cannot decide it correctly.
   */
  contains?(column: string, path: readonly JsonStep[], json: string): SqlFragment;
  /** True when the value at `path` equals `json` (an object or array, as JSON text); absent where key order or duplicates would make it wrong. */
  equals?(column: string, path: readonly JsonStep[], json: string): SqlFragment;
}

/** A JSON path in the `$."key"[0]` syntax SQLite and MySQL read; `quoteKey` writes one key between the quotes. */
export function dollarPath(path: readonly JsonStep[], quoteKey: (key: string) => string): string {
  return '$' + path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${quoteKey(step)}`)).join('');
}

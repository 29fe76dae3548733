/*
 * Bound values of `secret` fields, remembered so that query logs print them as '[secret]'. A Knex query event
 * carries the SQL and its bindings but not which field each binding came from, so the write and filter paths
 * note each secret value they bind (after conversion for the driver, as it is bound) and the log masks every
 * binding equal to, or holding, a noted value. Nothing is noted until some database logs queries, so a
 * process that logs nothing pays one boolean test per bound secret value.
 */

/** Past this many, the oldest noted value is forgotten (it was bound many statements ago). */
const LIMIT = 1024;

/** What a masked binding is replaced with. */
export const SECRET_MARK = '[secret]';

/** Noted values in the order they were noted (a Set keeps insertion order, so the first is the oldest). */
const noted = new Set<unknown>();
let watching = false;

/** @internal Starts noting secret values: some database logs its queries from now on. */
export function watchSecrets(): void {
  watching = true;
}

/** @internal Remembers a secret field's bound value (a no-op while no database logs queries). */
export function noteSecret(value: unknown): void {
  if (!watching || value === null || value === undefined || value === '') return;
  if (Array.isArray(value)) {
    for (const v of value) noteSecret(v);
    return;
  }
  noted.delete(value);
  noted.add(value);
  if (noted.size > LIMIT) noted.delete(noted.values().next().value);
}

/** Whether a binding is, or holds, a noted secret (a LIKE pattern or a JSON list around one, a PostgreSQL array). */
function isSecret(binding: unknown): boolean {
  if (noted.has(binding)) return true;
  if (typeof binding === 'string') {
    for (const value of noted) if (typeof value === 'string' && binding.includes(value)) return true;
    return false;
  }
  if (Buffer.isBuffer(binding)) {
    for (const value of noted) if (Buffer.isBuffer(value) && binding.includes(value)) return true;
    return false;
  }
  if (Array.isArray(binding)) return binding.some(isSecret);
  // PostgreSQL's one-parameter IN list: an object whose toPostgres() gives the array.
  const toPostgres = (binding as { toPostgres?: unknown } | null)?.toPostgres;
  if (typeof toPostgres === 'function') return isSecret((toPostgres as () => unknown).call(binding));
  return false;
}

/** Bindings as a log may show them: each secret one replaced by '[secret]' (the list itself when none is). */
export function maskBindings(bindings: readonly unknown[]): readonly unknown[] {
  if (noted.size === 0 || !bindings.some(isSecret)) return bindings;
  return bindings.map((b) => (isSecret(b) ? SECRET_MARK : b));
}

/**
 * @internal Remembers the value a lookup into a secret JSON field compares with: its JSON text, and every string and
 * number inside it, whichever form the dialect binds (a JSON document, a text, a number).
 */
export function noteSecretJson(value: unknown): void {
  if (!watching) return;
  if (value === null || typeof value !== 'object') {
    noteSecret(value);
    if (typeof value === 'number' || typeof value === 'bigint') noteSecret(String(value));
    return;
  }
  noteSecret(JSON.stringify(value));
  for (const inner of Object.values(value)) noteSecretJson(inner);
}

/** A text (an error message quoting the statement) with every noted secret string in it replaced by '[secret]'. */
export function maskText(text: string): string {
  for (const value of noted) if (typeof value === 'string' && text.includes(value)) text = text.split(value).join(SECRET_MARK);
  return text;
}

/** @internal Notes the values of the secret columns of insert rows (`rows[r][i]` is the value of `fields[i]`). */
export function noteSecretRows(fields: readonly { secret: boolean }[], rows: readonly (readonly unknown[])[]): void {
  if (!watching) return;
  fields.forEach((field, i) => {
    if (field.secret) for (const row of rows) noteSecret(row[i]);
  });
}

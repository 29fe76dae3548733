// A leaf module (no imports), so any layer, the database and CLI ones included, can share the one definition.

/** A plain SQL identifier keelson accepts for tables, columns and schemas: a letter or `_`, then letters, digits, `_` or `$`. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The longest identifier keelson accepts: PostgreSQL's limit (63 bytes), the smallest of the dialects. */
export const MAX_IDENTIFIER_LENGTH = 63;

/** Whether `name` is a plain identifier no longer than `MAX_IDENTIFIER_LENGTH`. */
export const isIdentifier = (name: unknown): boolean => typeof name === 'string' && IDENTIFIER.test(name) && name.length <= MAX_IDENTIFIER_LENGTH;

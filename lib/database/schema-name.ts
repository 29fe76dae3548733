/**
 * The one rule for schema names, applied wherever a name enters keelson (the registry's `schema` option,
 * a URL's `?schema=`, `@Model({ schema })`, `usingSchema()`, `createSchema()`/`dropSchema()`): a plain
 * identifier of at most 63 bytes. PostgreSQL silently truncates longer names, so two names sharing their
 * first 63 bytes would address the same schema; MySQL refuses names over 64 characters.
 */
import { IDENTIFIER, MAX_IDENTIFIER_LENGTH } from '../metadata/identifier';

/** The longest schema name keelson accepts, in bytes (PostgreSQL's NAMEDATALEN - 1). */
export const SCHEMA_NAME_MAX_BYTES = MAX_IDENTIFIER_LENGTH;

/** Why `name` is not an acceptable schema name, or undefined when it is. */
export function schemaNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `a schema name must be a string (got ${name === null ? 'null' : typeof name})`;
  if (!IDENTIFIER.test(name)) return `${JSON.stringify(name)} is not a plain identifier (letters, digits, _ and $, not starting with a digit)`;
  // The pattern admits ASCII only, so characters are bytes.
  if (name.length > SCHEMA_NAME_MAX_BYTES) {
    return `${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} is ${name.length} bytes long, over the limit of ${SCHEMA_NAME_MAX_BYTES} (PostgreSQL would silently truncate it)`;
  }
  return undefined;
}

import { Database, type DatabaseOptions } from '../database/database';
import { ConfigurationError, LookupError } from '../errors';
import { logger } from './logger';

/** Checks one `extra` key; logs why it is unusable (whitespace around it is only a warning). */
export function extraNameCheck(name: unknown): boolean {
  if (typeof name !== 'string') {
    logger.error(`Extra database name ${String(name)} is not a string.`);
    return false;
  }
  if (!name.trim()) {
    logger.error(`Extra database name "${name}" is empty.`);
    return false;
  }
  if (name.trim() !== name) logger.warn(`Extra database name "${name}" starts or ends with whitespace.`);
  return true;
}

/** The `extra` option as `Database` objects by alias; `check` refuses a name (`'default'` is always refused). */
export function extraDatabases(
  extra: Record<string, Database | string> | undefined,
  check: (name: unknown) => boolean,
  options: DatabaseOptions = {},
): Record<string, Database> {
  const out: Record<string, Database> = {};
  for (const [name, db] of Object.entries(extra ?? {})) {
    if (!check(name) || name === 'default') {
      throw new ConfigurationError(`Registry extra database name ${JSON.stringify(name)} is not allowed: use a non-empty string other than "default".`);
    }
    out[name] = typeof db === 'string' ? new Database(db, options) : db;
  }
  return out;
}

/** The error of an alias that names no database of the registry, listing the known ones. */
export function unknownAlias(alias: string, extra: Record<string, Database>): LookupError {
  return new LookupError(
    `Registry has no database "${alias}" (aliases: default${Object.keys(extra)
      .map((a) => `, ${a}`)
      .join('')}).`,
  );
}

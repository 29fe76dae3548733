import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors';

/** Options of `createAdminHandler`. */
export interface AdminOptions {
  /** The sign-in password (the CLI reads it from `KEELSON_ADMIN_PASSWORD`). */
  password?: string;
  /** Every write route answers 403 and pages show no write buttons. */
  readOnly?: boolean;
  /** Serve without sign-in; only for a local, trusted machine. */
  insecureNoAuth?: boolean;
  /** Mount prefix such as `/admin` (default: the root). */
  basePath?: string;
  /** Cookie signing key; random per process when not given (sessions then end with the process). */
  secret?: string;
  /** Rows per table page (default 50). */
  pageSize?: number;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  password?: string;
  readOnly: boolean;
  insecureNoAuth: boolean;
  basePath: string;
  secret: Buffer;
  pageSize: number;
}

/** Checks the options and fills in defaults; a missing password without `insecureNoAuth` is refused. */
export function resolveOptions(options: AdminOptions): ResolvedOptions {
  const insecureNoAuth = options.insecureNoAuth === true;
  if (!options.password && !insecureNoAuth) {
    throw new ConfigurationError(
      'The admin needs a password: set KEELSON_ADMIN_PASSWORD (or pass { password }), or pass --insecure-no-auth ({ insecureNoAuth: true }) to serve it without sign-in on a trusted machine.',
    );
  }
  const pageSize = options.pageSize ?? 50;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new ConfigurationError(`Admin pageSize must be a positive integer, got ${String(options.pageSize)}.`);
  }
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !basePath.startsWith('/')) {
    throw new ConfigurationError(`Admin basePath must start with "/" (got "${basePath}"), for example "/admin".`);
  }
  return {
    password: options.password,
    readOnly: options.readOnly === true,
    insecureNoAuth,
    basePath,
    secret: options.secret ? Buffer.from(options.secret) : randomBytes(32),
    pageSize,
  };
}

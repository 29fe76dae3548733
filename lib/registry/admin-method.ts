import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminOptions } from '../admin';
import type { Registry } from './registry';

/** The registry's `admin()`: the web admin as a request handler to mount in an app. */
export interface AdminMethods {
  /**
   * A Node `http` request handler serving the web admin over this registry's models (mount it in Express,
   * Fastify or `http.createServer`; `basePath` is where it is mounted). Sign-in needs `password`; without one
   * it throws a `ConfigurationError` unless `insecureNoAuth` is set.
   */
  admin(options: AdminOptions): (req: IncomingMessage, res: ServerResponse) => void;
}

export const adminMethods: AdminMethods = {
  admin(this: Registry, options: AdminOptions) {
    // Loaded on first use: an app that never serves the admin never loads its pages.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createAdminHandler } = require('../admin') as typeof import('../admin');
    return createAdminHandler(this, options);
  },
};

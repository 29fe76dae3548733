import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../registry/registry';
import { resolveOptions, type AdminOptions } from './options';
import { SignInLimiter } from './rate-limit';
import { handle } from './router';

export type { AdminOptions } from './options';
export { html, raw, escapeHtml, SafeHtml } from './html';

/**
 * A Node `http` request handler serving the web admin over the registry's models. Throws a
 * `ConfigurationError` when neither a password nor `insecureNoAuth` is given.
 */
export function createAdminHandler(registry: Registry, options: AdminOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const resolved = resolveOptions(options);
  const limiter = new SignInLimiter();
  return (req, res) => {
    void handle(registry, resolved, limiter, req, res);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from '../registry/registry';
import type { ResolvedOptions } from './options';

/** One request as the admin's routes see it. */
export interface AdminContext {
  registry: Registry;
  options: ResolvedOptions;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The CSRF token forms of this page carry (empty when nobody is signed in and auth is on). */
  csrf: string;
  /** The submitted form of a POST, read once (the CSRF check needs it before the route runs). */
  form?: URLSearchParams;
  /** Whether a sign-out button belongs in the page. */
  signedIn: boolean;
}

/** An admin path under the mount prefix. */
export function href(ctx: AdminContext, path: string): string {
  return ctx.options.basePath + path;
}

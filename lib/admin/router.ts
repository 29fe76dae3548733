import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KeelsonError, QueryError } from '../errors';
import { logger } from '../registry/logger';
import type { Registry } from '../registry/registry';
import { loginPage, logout } from './auth-pages';
import { href, type AdminContext } from './context';
import { deletePage } from './delete-page';
import { formPage } from './form-page';
import { homePage } from './home-page';
import { html } from './html';
import { AdminHttpError, parseCookies, readForm, redirect, sendHtml } from './http';
import { layout } from './layout';
import { listPage } from './list-page';
import { modelNamed } from './models';
import type { ResolvedOptions } from './options';
import type { SignInLimiter } from './rate-limit';
import { csrfToken, readSession, SESSION_COOKIE, sameText } from './session';

/** Path segments after the mount prefix, decoded; a malformed escape is a 400. */
function segments(path: string): string[] {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new AdminHttpError(400, 'The address has a malformed %-escape; follow a link from the admin instead.');
  }
}

/** Runs the route of a signed-in (or no-auth) request: `/`, `/logout`, and the model routes. */
async function route(ctx: AdminContext, path: string): Promise<void> {
  if (path === '/') return ctx.req.method === 'POST' ? notAllowed() : homePage(ctx);
  if (path === '/logout' && ctx.req.method === 'POST') return logout(ctx);
  const [name, second = '', third, ...rest] = segments(path);
  const model = modelNamed(ctx.registry, name);
  if (rest.length || (third !== undefined && third !== '' && third !== 'delete')) throw new AdminHttpError(404, `No admin page at ${path}.`);
  if (second === '' && third === undefined) return ctx.req.method === 'POST' ? notAllowed() : listPage(ctx, model);
  if (second === 'add' && third === undefined) return formPage(ctx, model);
  if (third === 'delete') return deletePage(ctx, model, second);
  if (third === '') return formPage(ctx, model, second);
  throw new AdminHttpError(404, `No admin page at ${path}; model pages end with "/" (try ${path}/).`);
}

const notAllowed = (): never => {
  throw new AdminHttpError(405, 'This page only answers GET.');
};

/**
 * Authentication, CSRF and read-only checks, in that order, before any route runs: an unauthenticated GET goes
 * to the sign-in page, an unauthenticated or tokenless POST is refused before its form is acted on.
 */
async function guarded(ctx: AdminContext, path: string): Promise<void> {
  const { options, req } = ctx;
  const session = readSession(options.secret, parseCookies(req).get(SESSION_COOKIE));
  if (!session && !options.insecureNoAuth) {
    if (req.method === 'POST') throw new AdminHttpError(403, 'Sign in first: your session has ended.');
    return redirect(ctx.res, href(ctx, `/login?next=${encodeURIComponent(options.basePath + path + ctx.url.search)}`));
  }
  ctx.signedIn = !!session;
  // Without sign-in there is no session id, so forms carry a per-process token; it still stops cross-site posts.
  ctx.csrf = session ? csrfToken(options.secret, session.id) : createHmac('sha256', options.secret).update('csrf:no-auth').digest('base64url');
  if (req.method === 'POST') {
    if (options.readOnly && path !== '/logout')
      throw new AdminHttpError(403, 'This admin is read-only: it accepts no changes. Restart it without --read-only to edit.');
    ctx.form = await readForm(req);
    if (!sameText(ctx.form.get('csrf') ?? '', ctx.csrf)) {
      throw new AdminHttpError(403, 'The form is missing its security token or it has expired; reload the page and submit it again.');
    }
  }
  return route(ctx, path);
}

/** An error as a page: its own status for admin errors, 400 for a refused query, 500 (logged) otherwise. */
function sendError(ctx: AdminContext, error: unknown): void {
  if (ctx.res.headersSent) return void ctx.res.end();
  const status = error instanceof AdminHttpError ? error.status : error instanceof QueryError ? 400 : 500;
  if (status === 500) logger.error(`admin: ${ctx.req.method} ${ctx.url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
  // Only keelson's own messages are shown: they never carry passwords; anything else could.
  const message = error instanceof KeelsonError || error instanceof AdminHttpError ? error.message : 'Something went wrong; the server log has the details.';
  const title = status === 404 ? 'Not found' : status === 403 ? 'Forbidden' : status >= 500 ? 'Server error' : 'Bad request';
  sendHtml(
    ctx.res,
    status,
    layout(
      ctx,
      title,
      html`<p>${message}</p>
        <p><a href="${href(ctx, '/')}">Back to the model list</a></p>`,
    ),
  );
}

/** Handles one request: finds the path under the mount prefix, then checks and routes it. */
export async function handle(registry: Registry, options: ResolvedOptions, limiter: SignInLimiter, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Express and Connect strip a mount path from `req.url` and keep the full path in `originalUrl`.
  const url = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://admin.invalid');
  const ctx: AdminContext = { registry, options, req, res, url, csrf: '', signedIn: false };
  try {
    if (!['GET', 'HEAD', 'POST'].includes(req.method ?? '')) throw new AdminHttpError(405, 'The admin answers GET and POST only.');
    const base = options.basePath;
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) throw new AdminHttpError(404, `The admin is mounted at ${base}/.`);
    const path = url.pathname.slice(base.length) || '/';
    if (path === '/login') return await loginPage(ctx, limiter);
    await guarded(ctx, path);
  } catch (error) {
    sendError(ctx, error);
  }
}

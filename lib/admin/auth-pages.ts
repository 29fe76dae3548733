import type { IncomingMessage } from 'node:http';
import { createHmac } from 'node:crypto';
import { href, type AdminContext } from './context';
import { html } from './html';
import { AdminHttpError, readForm, redirect, sendHtml } from './http';
import { layout } from './layout';
import type { SignInLimiter } from './rate-limit';
import { SESSION_COOKIE, SESSION_SECONDS, newSession, passwordMatches, sameText } from './session';

/**
 * The sign-in form's CSRF token. Before sign-in there is no session to bind a token to, so it is one token
 * per process, derived from the signing key: a cross-site page cannot read it (it only appears in our page,
 * and SameSite=Strict keeps our cookies off cross-site requests), so a forged sign-in post is refused.
 */
export function loginToken(secret: Buffer): string {
  return createHmac('sha256', secret).update('csrf:login').digest('base64url');
}

/** The client address failures are counted against (behind a proxy every client shares the proxy's). */
const clientAddress = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** Where to go after signing in: only a path inside the admin, so the link cannot send users elsewhere. */
function nextPath(ctx: AdminContext, next: string | null): string {
  const home = href(ctx, '/');
  return next && next.startsWith(home) && !next.startsWith('//') && !next.includes('\\') ? next : home;
}

/** The sign-in page, with an optional message. */
function loginForm(ctx: AdminContext, status: number, message: string, next: string | null): void {
  const error = message ? html`<p class="error" role="alert">${message}</p>` : '';
  const body = html`${error}
    <form method="post" action="${href(ctx, '/login')}">
      <input type="hidden" name="csrf" value="${loginToken(ctx.options.secret)}" /><input type="hidden" name="next" value="${next ?? ''}" />
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required autofocus />
      <p><button type="submit">Sign in</button></p>
    </form>`;
  sendHtml(ctx.res, status, layout({ ...ctx, signedIn: false }, 'Sign in', body));
}

/** The session cookie's attributes; `Secure` when the request came over TLS. */
function cookieAttributes(ctx: AdminContext, maxAge: number): string {
  const secure = (ctx.req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
  return `HttpOnly; SameSite=Strict; Path=${ctx.options.basePath}/; Max-Age=${maxAge}${secure}`;
}

/** GET shows and POST checks `/login`: rate-limited per address, password compared in constant time. */
export async function loginPage(ctx: AdminContext, limiter: SignInLimiter): Promise<void> {
  if (ctx.options.insecureNoAuth && !ctx.options.password) return redirect(ctx.res, href(ctx, '/'));
  if (ctx.req.method !== 'POST') return loginForm(ctx, 200, '', ctx.url.searchParams.get('next'));
  const form = await readForm(ctx.req);
  if (!sameText(form.get('csrf') ?? '', loginToken(ctx.options.secret))) {
    throw new AdminHttpError(403, 'The sign-in form has expired or did not come from this admin; reload the sign-in page and try again.');
  }
  const address = clientAddress(ctx.req);
  if (limiter.blocked(address)) {
    return sendHtml(
      ctx.res,
      429,
      layout({ ...ctx, signedIn: false }, 'Too many attempts', html`<p>Too many wrong passwords from your address. Wait 15 minutes, then try again.</p>`),
      { 'Retry-After': '900' },
    );
  }
  if (!passwordMatches(form.get('password') ?? '', ctx.options.password ?? '')) {
    limiter.fail(address);
    return loginForm(ctx, 401, 'Wrong password.', form.get('next'));
  }
  limiter.succeed(address);
  const { cookie } = newSession(ctx.options.secret);
  redirect(ctx.res, nextPath(ctx, form.get('next')), { 'Set-Cookie': `${SESSION_COOKIE}=${cookie}; ${cookieAttributes(ctx, SESSION_SECONDS)}` });
}

/** POST `/logout`: clears the cookie (its CSRF token was checked by the router). */
export function logout(ctx: AdminContext): void {
  redirect(ctx.res, href(ctx, '/login'), { 'Set-Cookie': `${SESSION_COOKIE}=; ${cookieAttributes(ctx, 0)}` });
}

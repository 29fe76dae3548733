import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a sign-in lasts. */
const SESSION_MS = 12 * 60 * 60 * 1000;

/** Name of the session cookie. */
export const SESSION_COOKIE = 'keelson_admin';

/** A signed-in session as read back from its cookie. */
export interface Session {
  id: string;
  expires: number;
}

const sign = (secret: Buffer, data: string): string => createHmac('sha256', secret).update(data).digest('base64url');

/** Equality of two strings in time that does not depend on where they differ. */
export function sameText(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Whether the password matches, compared on SHA-256 digests so neither length nor content leaks through timing. */
export function passwordMatches(given: string, expected: string): boolean {
  return sameText(given, expected);
}

/** A new session and its cookie value: the expiry sits inside the signed part, so it cannot be extended. */
export function newSession(secret: Buffer, now = Date.now()): { session: Session; cookie: string } {
  const session = { id: randomBytes(18).toString('base64url'), expires: now + SESSION_MS };
  const payload = `${session.id}.${session.expires}`;
  return { session, cookie: `${payload}.${sign(secret, payload)}` };
}

/** The session a cookie value holds, or undefined when it is missing, forged or expired. */
export function readSession(secret: Buffer, cookie: string | undefined, now = Date.now()): Session | undefined {
  if (!cookie) return undefined;
  const parts = cookie.split('.');
  if (parts.length !== 3) return undefined;
  const [id, expiresText, signature] = parts;
  if (!sameText(signature, sign(secret, `${id}.${expiresText}`))) return undefined;
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires <= now) return undefined;
  return { id, expires };
}

/** The CSRF token of a session: an HMAC of its id, so only a page served to that session can carry it. */
export function csrfToken(secret: Buffer, sessionId: string): string {
  return sign(secret, `csrf:${sessionId}`);
}

/** Whether a submitted token is the session's. */
export function csrfValid(secret: Buffer, sessionId: string, token: string | null): boolean {
  return token !== null && sameText(token, csrfToken(secret, sessionId));
}

/** Max-Age of the session cookie, in seconds. */
export const SESSION_SECONDS = SESSION_MS / 1000;

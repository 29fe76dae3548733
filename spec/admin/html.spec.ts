import { html, raw } from '../../lib/admin';
import { SignInLimiter } from '../../lib/admin/rate-limit';
import { csrfToken, csrfValid, newSession, readSession } from '../../lib/admin/session';

describe('admin building blocks', () => {
  it('escapes every interpolated value unless it is a fragment', () => {
    const name = `<img src=x onerror="alert('1')">&`;
    const page = html`<p title="${name}">${name}${raw('<b>ok</b>')}${[html`<i>${'<'}</i>`, '>']}${null}${undefined}${false}${0}</p>`;
    expect(page.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;<b>ok</b><i>&lt;</i>&gt;0</p>',
    );
  });

  it('reads back only sessions it signed and that have not expired', () => {
    const secret = Buffer.from('k'.repeat(32));
    const { session, cookie } = newSession(secret, 1000);
    expect(readSession(secret, cookie, 2000)).toEqual(session);
    expect(readSession(secret, cookie, session.expires)).toBeUndefined();
    expect(readSession(Buffer.from('other'), cookie, 2000)).toBeUndefined();
    const [id, , signature] = cookie.split('.');
    expect(readSession(secret, `${id}.${session.expires + 1000}.${signature}`, 2000)).toBeUndefined();
    expect(csrfValid(secret, session.id, csrfToken(secret, session.id))).toBe(true);
    expect(csrfValid(secret, 'another', csrfToken(secret, session.id))).toBe(false);
    expect(csrfValid(secret, session.id, null)).toBe(false);
  });

  it('blocks an address after five failures inside the window, and forgets them after it', () => {
    const limiter = new SignInLimiter(5, 1000);
    for (let i = 0; i < 5; i++) limiter.fail('a', i);
    expect([limiter.blocked('a', 10), limiter.blocked('b', 10), limiter.blocked('a', 1005)]).toEqual([true, false, false]);
  });
});

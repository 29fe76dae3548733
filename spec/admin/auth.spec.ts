import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError, Registry } from '../../lib';
import { createAdminHandler } from '../../lib/admin';
import { uniqueName } from '../support/servers';
import { Client, csrfOf, declareModels, serve } from './support';

const PASSWORD = 's3cret-pass';

describe('admin sign-in, CSRF and read-only mode', () => {
  const registry = new Registry('sqlite::memory:');
  const { Tag } = declareModels(registry, uniqueName('adm_auth'));
  const sites: Awaited<ReturnType<typeof serve>>[] = [];
  const start = async (options: Parameters<typeof serve>[1]) => {
    const site = await serve(registry, options);
    sites.push(site);
    return new Client(site.base);
  };

  beforeAll(() => registry.createAll());
  afterAll(async () => {
    for (const site of sites) await site.close();
    await registry.dropAll();
    await registry.disconnect();
  });

  it('refuses to start without a password unless insecureNoAuth is set, and says how to fix it', () => {
    expect(() => createAdminHandler(registry, {})).toThrow(ConfigurationError);
    expect(() => createAdminHandler(registry, {})).toThrow(/KEELSON_ADMIN_PASSWORD.*--insecure-no-auth/);
    expect(() => createAdminHandler(registry, { insecureNoAuth: true })).not.toThrow();
  });

  it('sends visitors without a session to the sign-in page, and refuses their POSTs', async () => {
    const client = await start({ password: PASSWORD, basePath: '/admin' });
    const page = await client.get('/Tag/?q=a');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2FTag%2F%3Fq%3Da');
    const before = await Tag.query.count();
    expect((await client.post('/Tag/add', { name: 'anon' })).status).toBe(403);
    expect(await Tag.query.count()).toBe(before);
  });

  it('signs in with a signed, HttpOnly, SameSite=Strict cookie scoped to the mount path; a forged cookie is refused', async () => {
    const client = await start({ password: PASSWORD, basePath: '/admin' });
    const login = await client.get('/login');
    const reply = await client.post('/login', { password: PASSWORD, csrf: csrfOf(login.text), next: '/admin/Tag/' });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/admin/Tag/');
    expect(reply.headers.get('set-cookie')).toMatch(/^keelson_admin=[^;]+; HttpOnly; SameSite=Strict; Path=\/admin\/; Max-Age=\d+/);
    expect((await client.get('/Tag/')).status).toBe(200);
    const [id, expires] = client.cookie.split('=')[1].split('.');
    const forged = new Client(client.base);
    forged.cookie = `keelson_admin=${id}.${Number(expires) + 1e9}.AAAA`;
    expect((await forged.get('/Tag/')).status).toBe(303);
  });

  it('works mounted the way Express and Connect mount it: the mount path stripped from req.url, kept in originalUrl', async () => {
    const handler = createAdminHandler(registry, { password: PASSWORD, basePath: '/admin' });
    const server = createServer((req, res) => {
      const full = req.url ?? '/';
      if (!full.startsWith('/admin')) return void res.writeHead(404).end();
      Object.assign(req, { originalUrl: full, url: full.slice('/admin'.length) || '/' });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`);
      expect((await client.signIn(PASSWORD)).status).toBe(303);
      const tags = await client.get('/Tag/');
      expect(tags.status).toBe(200);
      expect(tags.text).toContain('href="/admin/Tag/add"');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 401 to a wrong password and 429 from the sixth failure on, without checking the password', async () => {
    const client = await start({ password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      const reply = await client.signIn('wrong');
      expect(reply.status).toBe(401);
      expect(reply.text).toContain('Wrong password.');
    }
    const blocked = await client.signIn(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many wrong passwords');
    expect(client.cookie).toBe('');
  });

  it('refuses a sign-in without the form token', async () => {
    const client = await start({ password: PASSWORD });
    expect((await client.post('/login', { password: PASSWORD })).status).toBe(403);
    expect(client.cookie).toBe('');
  });

  it('signs out: the cookie is cleared and pages ask for sign-in again', async () => {
    const client = await start({ password: PASSWORD });
    await client.signIn(PASSWORD);
    const home = await client.get('/');
    expect(home.status).toBe(200);
    const out = await client.post('/logout', { csrf: csrfOf(home.text) });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^keelson_admin=; .*Max-Age=0/);
    expect((await client.get('/')).status).toBe(303);
  });

  it('read-only mode answers 403 to every write and shows no write buttons', async () => {
    const tag = await Tag.query.create({ name: 'kept' });
    const client = await start({ password: PASSWORD, readOnly: true });
    await client.signIn(PASSWORD);
    const list = await client.get('/Tag/');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('/Tag/add');
    const form = await client.get(`/Tag/${tag.pk}/`);
    expect(form.text).not.toContain('type="submit">Save');
    const csrf = csrfOf(form.text);
    expect((await client.post(`/Tag/${tag.pk}/`, { name: 'changed', csrf })).status).toBe(403);
    expect((await client.post(`/Tag/${tag.pk}/delete`, { csrf })).status).toBe(403);
    expect((await client.post('/Tag/add', { name: 'new', csrf })).status).toBe(403);
    expect((await Tag.query.get({ pk: tag.pk })).name).toBe('kept');
    expect(await Tag.query.filter({ name: 'new' }).count()).toBe(0);
  });

  it('serves without sign-in when insecureNoAuth is set, still requiring the CSRF token', async () => {
    const client = await start({ insecureNoAuth: true });
    const form = await client.get('/Tag/add');
    expect(form.status).toBe(200);
    expect((await client.post('/Tag/add', { name: 'noauth' })).status).toBe(403);
    expect((await client.post('/Tag/add', { name: 'noauth', csrf: csrfOf(form.text) })).status).toBe(303);
    expect(await Tag.query.filter({ name: 'noauth' }).count()).toBe(1);
  });
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, makeProject, removeProject, spawnCli } from './support';

/** The app the admin serves: one model, on an SQLite file the test creates. */
const APP = `
import { BaseModel, Field, Model, Registry } from 'keelson';

export const registry = new Registry(process.env.APP_DB_URL!);

@Model({ registry })
export class Note extends BaseModel {
  @Field({ maxLength: 80 }) title!: string;
}
`;

/** Starts `keelson admin` and resolves once it printed its address; the caller stops it. */
function startAdmin(dir: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'admin', '--app', 'app.ts', ...args], {
    cwd: dir,
    env: { ...process.env, KEELSON_APP: undefined, KEELSON_ADMIN_PASSWORD: undefined, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const address = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const url = /keelson admin on (http:\/\/\S+\/)/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`keelson admin exited (${code}) before serving: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, address, exited };
}

describe('keelson admin', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProject('admin');
    writeFileSync(join(dir, 'app.ts'), APP);
  });
  afterAll(() => removeProject(dir));
  const env = () => ({ APP_DB_URL: `sqlite://${join(dir, 'app.db')}` });

  it('refuses to start without KEELSON_ADMIN_PASSWORD, and --insecure-no-auth only on a loopback host', () => {
    const none = spawnCli(['admin', '--app', 'app.ts'], { cwd: dir, env: { ...env(), KEELSON_ADMIN_PASSWORD: '' } });
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/KEELSON_ADMIN_PASSWORD/);
    const open = spawnCli(['admin', '--app', 'app.ts', '--insecure-no-auth', '--host', '0.0.0.0'], { cwd: dir, env: { ...env(), KEELSON_ADMIN_PASSWORD: '' } });
    expect(open.status).not.toBe(0);
    expect(open.stderr).toMatch(/--insecure-no-auth serves only a loopback host/);
    const port = spawnCli(['admin', '--app', 'app.ts', '--port', 'http'], { cwd: dir, env: { ...env(), KEELSON_ADMIN_PASSWORD: 'pw' } });
    expect(port.stderr).toMatch(/--port must be a port number/);
  });

  it('serves the admin behind sign-in, and stops on SIGTERM', async () => {
    const admin = startAdmin(dir, ['--port', '0'], { ...env(), KEELSON_ADMIN_PASSWORD: 'correct horse' });
    try {
      const url = await admin.address;
      const home = await fetch(url, { redirect: 'manual' });
      expect(home.status).toBe(303);
      expect(home.headers.get('location')).toMatch(/\/login/);
      const login = await fetch(new URL('login', url));
      expect(login.status).toBe(200);
      expect(await login.text()).toMatch(/<input[^>]+type="password"/);
    } finally {
      admin.child.kill('SIGTERM');
    }
    expect(await admin.exited).toBe(0);
  }, 60_000);

  it('serves without sign-in on 127.0.0.1 with --insecure-no-auth, and refuses writes with --read-only', async () => {
    const admin = startAdmin(dir, ['--port', '0', '--insecure-no-auth', '--read-only'], env());
    try {
      const url = await admin.address;
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Note');
      const add = await fetch(new URL('Note/add', url), { method: 'POST', body: new URLSearchParams({ title: 'x' }) });
      expect(add.status).toBe(403);
    } finally {
      admin.child.kill('SIGTERM');
    }
    expect(await admin.exited).toBe(0);
  }, 60_000);
});

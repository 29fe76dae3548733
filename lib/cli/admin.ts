import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { createAdminHandler } from '../admin';
import { CliError } from './args';
import type { Command } from './command';

/** Hosts that only this machine reaches: the one place an admin may run without a password. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `keelson admin`: serves the web admin over the app's registry until interrupted. */
export const admin: Command = {
  name: 'admin',
  summary: 'serve the web admin over the models',
  synopsis: 'keelson admin [--port 8000] [--host 127.0.0.1] [--read-only] [--insecure-no-auth] [--app module]',
  description:
    'Serves a web admin (model list, tables, forms, delete with the cascade listed) on http://host:port/. Sign-in uses the password in $KEELSON_ADMIN_PASSWORD; without one it refuses to start, unless --insecure-no-auth is given and the host is a loopback address.',
  options: [
    { name: 'port', short: 'p', kind: 'value', metavar: 'port', description: 'port to listen on (default 8000; 0 picks a free one)' },
    { name: 'host', kind: 'value', metavar: 'host', description: 'address to listen on (default 127.0.0.1)' },
    { name: 'read-only', kind: 'flag', description: 'refuse every write (403)' },
    { name: 'insecure-no-auth', kind: 'flag', description: 'no sign-in (loopback host only)' },
  ],
  async run({ models: load, options, stdout }) {
    const registry = load();
    const host = typeof options.host === 'string' ? options.host : '127.0.0.1';
    const port = options.port === undefined ? 8000 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be a port number (0–65535), got ${String(options.port)}.`);
    if (host !== 'localhost' && isIP(host) === 0) throw new CliError(`--host must be an IP address or localhost, got ${host}.`);
    const password = process.env.KEELSON_ADMIN_PASSWORD || undefined;
    const insecureNoAuth = options['insecure-no-auth'] === true;
    if (!password && !(insecureNoAuth && LOOPBACK.has(host))) {
      throw new CliError(
        insecureNoAuth
          ? `--insecure-no-auth serves only a loopback host (127.0.0.1, ::1, localhost), not ${host}: set KEELSON_ADMIN_PASSWORD to serve it there.`
          : 'Set KEELSON_ADMIN_PASSWORD to the admin password (or, on 127.0.0.1 only, pass --insecure-no-auth).',
      );
    }
    await registry.connect();
    const handler = createAdminHandler(registry, { password, insecureNoAuth: !password && insecureNoAuth, readOnly: options['read-only'] === true });
    const server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as { port: number };
    stdout.write(`keelson admin on http://${host.includes(':') ? `[${host}]` : host}:${address.port}/ (Ctrl-C stops it)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { run as Run } from '../../lib/cli/main';
import { BIN, CliResult } from './support';

/** A stream that keeps what is written to it. */
function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

/** Sets `env` on process.env (undefined deletes); returns the function that puts the old values back. */
function applyEnv(env: Record<string, string | undefined>): () => void {
  const saved = Object.keys(env).map((key) => [key, process.env[key]] as const);
  const set = (key: string, value: string | undefined) => (value === undefined ? delete process.env[key] : (process.env[key] = value));
  for (const [key, value] of Object.entries(env)) set(key, value);
  return () => saved.forEach(([key, value]) => set(key, value));
}

/** Sends console output of the app and of keelson (its logger) to the command's streams, as in a real process. */
function captureConsole(stdout: Writable, stderr: Writable): () => void {
  const methods = ['log', 'info', 'debug', 'warn', 'error'] as const;
  const saved = methods.map((m) => [m, console[m]] as const);
  for (const m of methods) {
    const target = m === 'warn' || m === 'error' ? stderr : stdout;
    console[m] = (...args: unknown[]) => void target.write(`${args.map(String).join(' ')}\n`);
  }
  return () => saved.forEach(([m, fn]) => (console[m] = fn));
}

/**
 * Runs `body` in this process as if in a new one started in `cwd` with `env` added: console output goes to
 * the returned stdout/stderr, and every module it requires is read and loaded afresh (an isolated module
 * registry), so a file rewritten since the last call, or one that reads the environment when loaded, behaves
 * as it would in a new process. TypeScript files of the temp projects go through jest's transpile-only
 * transform (see jest.config.js), where the binary uses ts-node.
 */
async function inProcess(
  cwd: string,
  env: Record<string, string | undefined> | undefined,
  body: (stdout: Writable, stderr: Writable) => Promise<number>,
): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  const savedCwd = process.cwd();
  const restoreEnv = applyEnv({ KEELSON_DEBUG: undefined, KEELSON_APP: undefined, ...env });
  const restoreConsole = captureConsole(stdout.stream, stderr.stream);
  let status: number | null = null;
  try {
    process.chdir(cwd);
    // Jest keeps the text of every file it has read (isolating modules does not clear that): forget it, so a
    // file the test has rewritten since is read again.
    jest.resetModules();
    await jest.isolateModulesAsync(async () => {
      status = await body(stdout.stream, stderr.stream);
    });
  } finally {
    restoreConsole();
    process.chdir(savedCwd);
    restoreEnv();
  }
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * Runs the CLI in this process (see {@link inProcess}) through the entry the binary uses: `run` of
 * dist/lib/cli/main.js, with `input` on stdin (never a TTY).
 */
export function runCli(args: string[], options: { cwd: string; input?: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  const stdin = Readable.from(options.input ? [Buffer.from(options.input)] : []);
  return inProcess(options.cwd, options.env, (stdout, stderr) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { run } = require(BIN) as { run: typeof Run };
    return run(args, { stdout, stderr, stdin });
  });
}

/**
 * Runs the `main` export of a script of the temp project in this process (see {@link inProcess}); a
 * rejection is written to stderr with status 1, as `main().catch(…)` would in a process of its own.
 */
export function runScript(cwd: string, file: string): Promise<CliResult> {
  return inProcess(cwd, undefined, async (_stdout, stderr) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { main } = require(join(cwd, file)) as { main: () => Promise<void> };
      await main();
      return 0;
    } catch (error) {
      stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    }
  });
}

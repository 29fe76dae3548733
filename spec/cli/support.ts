import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'lib', 'cli', 'main.js');
export const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
export const TS_NODE_HOOK = join(ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ once when the CLI is missing or older than the sources (CI builds before testing anyway). */
export function ensureBuilt(): void {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(ROOT, 'lib')), newestSource(join(ROOT, 'decorators')))) return;
  try {
    execFileSync(TSC, ['-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits when other files have type errors; only a missing binary is fatal.
    if (!existsSync(BIN)) throw error;
  }
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built binary in a new process; `input` is written to stdin, which is then closed (never a TTY).
 * Most tests use the in-process `runCli` (./in-process); this is for what needs a process of its own: the
 * binary's own start-up, exit codes, and ts-node registering itself.
 */
export function spawnCli(args: string[], options: { cwd: string; input?: string; env?: Record<string, string | undefined> }): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: { ...process.env, KEELSON_DEBUG: undefined, KEELSON_APP: undefined, ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a TypeScript file of the temp project through ts-node (transpile-only); resolves to its stdout. */
export function runTs(cwd: string, file: string, env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, ['-r', TS_NODE_HOOK, file], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A temp project that imports `keelson` as a package (node_modules/keelson → this checkout, i.e. the built
 * dist), with a tsconfig carrying the decorator options keelson needs.
 */
export function makeProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keelson-${prefix}-`));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'keelson'), 'dir');
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      esModuleInterop: true,
      skipLibCheck: true,
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      types: ['node'],
    },
    include: ['*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  return dir;
}

export function removeProject(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Type-checks the temp project with the project's compiler; returns tsc's output ('' when clean).
 * Incremental (its state in the project folder), so a second check of the same project re-reads only what changed.
 */
export function typecheck(dir: string): string {
  try {
    execFileSync(TSC, ['--noEmit', '--incremental', '--tsBuildInfoFile', join(dir, '.tsbuildinfo'), '-p', dir], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || String(error);
  }
}

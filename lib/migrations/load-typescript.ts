import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { ConfigurationError } from '../errors';

/** File extensions that need a TypeScript loader under `require`. */
export const TS_EXTENSIONS = new Set(['.ts', '.cts', '.mts', '.tsx']);

/** True when `file` is TypeScript source (a `.d.ts` declaration is not loadable source at all). */
export function isTypeScriptFile(file: string): boolean {
  return TS_EXTENSIONS.has(extname(file)) && !/\.d\.[cm]?ts$/.test(file);
}

type TsNode = { register(options: Record<string, unknown>): unknown };

/**
 * True when `require` can already load `.ts`: ts-node or another register hook is installed, the runtime
 * compiles TypeScript itself (Bun, Deno), or modules are loaded by a sandbox with its own transforms (jest,
 * whose `require.extensions` is empty), where registering ts-node would only patch the host process.
 */
export function typeScriptLoaderActive(): boolean {
  if ((process as unknown as Record<symbol, unknown>)[Symbol.for('ts-node.register.instance')]) return true;
  if (process.versions.bun || process.versions.deno) return true;
  const extensions = (require as NodeJS.Require).extensions as Record<string, unknown> | undefined;
  if (!extensions || typeof extensions['.js'] !== 'function') return true;
  return typeof extensions['.ts'] === 'function';
}

/**
 * Registers ts-node's transpile-only hook (resolved from `fromPath`'s directory, else keelson's own), with
 * the decorator options keelson needs, unless a TypeScript loader is already active. Returns false when
 * ts-node is not installed.
 */
export function registerTsNode(fromPath: string): boolean {
  if ((process as unknown as Record<symbol, unknown>)[Symbol.for('ts-node.register.instance')]) return true;
  let tsNode: TsNode | undefined;
  for (const from of [dirname(fromPath), __dirname]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      tsNode = require(require.resolve('ts-node', { paths: [from] })) as TsNode;
      break;
    } catch {
      // try the next place
    }
  }
  if (!tsNode) return false;
  try {
    tsNode.register({
      transpileOnly: true,
      projectSearchDir: dirname(fromPath),
      compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, module: 'commonjs' },
    });
  } catch (error) {
    // ts-node fails obscurely on a TypeScript it cannot drive (7.x: "reading 'fileExists'"); name the cause.
    const hint = typeScriptVersionHint(dirname(fromPath));
    if (hint) throw new ConfigurationError(`ts-node cannot compile TypeScript here: ${hint}`, { cause: error });
    throw error;
  }
  return true;
}

/** The `typescript` package Node would find from `dir` (nearest node_modules up the tree), with its version. */
export function findTypeScript(dir: string): { packageJson: string; version: string } | undefined {
  for (let current = dir; ; current = dirname(current)) {
    // Read the file directly: a package's `exports` may hide package.json from require.resolve.
    const packageJson = join(current, 'node_modules', 'typescript', 'package.json');
    if (existsSync(packageJson)) {
      try {
        const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
        return typeof version === 'string' ? { packageJson, version } : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Why ts-node cannot work from `dir` when the `typescript` found there is not 5.x (ts-node and decorator
 * metadata need TypeScript 5), else undefined.
 */
export function typeScriptVersionHint(dir: string): string | undefined {
  const found = findTypeScript(dir);
  if (!found || Number(found.version.split('.')[0]) === 5) return undefined;
  return `TypeScript ${found.version} is installed (${found.packageJson}), but ts-node and decorator metadata need TypeScript 5.x: npm i -D typescript@5`;
}

/**
 * Makes `require(file)` work for a TypeScript file: nothing to do for JavaScript or when a loader is
 * active, else registers ts-node. Returns false when the file needs ts-node and it is not installed.
 */
export function ensureTypeScriptLoader(file: string): boolean {
  if (!isTypeScriptFile(file) || typeScriptLoaderActive()) return true;
  return registerTsNode(file);
}

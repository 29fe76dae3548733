import { dirname, extname } from 'node:path';

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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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
  tsNode.register({
    transpileOnly: true,
    projectSearchDir: dirname(fromPath),
    compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false, module: 'commonjs' },
  });
  return true;
}

/**
 * Makes `require(file)` work for a TypeScript file: nothing to do for JavaScript or when a loader is
 * active, else registers ts-node. Returns false when the file needs ts-node and it is not installed.
 */
export function ensureTypeScriptLoader(file: string): boolean {
  if (!isTypeScriptFile(file) || typeScriptLoaderActive()) return true;
  return registerTsNode(file);
}

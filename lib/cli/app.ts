import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { registerTsNode, TS_EXTENSIONS } from '../migrations/load-typescript';
import type { Registry } from '../registry/registry';
import { CliError, ParsedOptions } from './args';

/** Duck-typed, so a registry built by another copy of keelson (source vs. dist) is accepted too. */
function isRegistry(value: unknown): value is Registry {
  const r = value as Partial<Registry> | undefined;
  return !!r && typeof r === 'object' && typeof r.createAll === 'function' && typeof r.connect === 'function' && typeof r.databaseFor === 'function' && 'models' in r;
}

/** The path of the app module: `--app`, else `$KEELSON_APP`. */
export function appPath(options: ParsedOptions): string {
  const given = (options.app as string | undefined) ?? process.env.KEELSON_APP;
  if (!given) throw new CliError('No app module: pass --app path/to/module (or set KEELSON_APP) naming a module that exports a Registry.');
  return resolve(process.cwd(), given);
}

/** Loads the app module and returns its registry (export `registry`, else the default export). */
export function loadRegistry(options: ParsedOptions): Registry {
  const path = appPath(options);
  let resolved: string;
  try {
    resolved = require.resolve(path);
  } catch {
    throw new CliError(`App module ${path} not found${existsSync(path) ? '' : ' (no such file)'}.`);
  }
  if (TS_EXTENSIONS.has(extname(resolved)) && !registerTsNode(resolved)) {
    throw new CliError(`App module ${resolved} is TypeScript, but ts-node is not installed: npm install --save-dev ts-node, or point --app at compiled JavaScript.`);
  }
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(resolved);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const wrapped = new CliError(`Could not load app module ${resolved}: ${reason}`);
    (wrapped as { cause?: unknown }).cause = error;
    if (error instanceof Error && error.stack) wrapped.stack = `${wrapped.stack}\nCaused by: ${error.stack}`;
    throw wrapped;
  }
  const candidates = [mod.registry, mod.default, mod, (mod.default as Record<string, unknown> | undefined)?.registry];
  const registry = candidates.find(isRegistry);
  if (!registry) throw new CliError(`App module ${resolved} exports no Registry: export it as \`registry\` or as the default export.`);
  return registry;
}

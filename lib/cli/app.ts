import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureTypeScriptLoader, isTypeScriptFile } from '../migrations/load-typescript';
import type { Registry } from '../registry/registry';
import { CliError, ParsedOptions } from './args';

/** Duck-typed, so a registry built by another copy of keelson (source vs. dist) is accepted too. */
function isRegistry(value: unknown): value is Registry {
  const r = value as Partial<Registry> | undefined;
  return (
    !!r && typeof r === 'object' && typeof r.createAll === 'function' && typeof r.connect === 'function' && typeof r.databaseFor === 'function' && 'models' in r
  );
}

/** The path of the app module: `--app`, else `$KEELSON_APP`. */
export function appPath(options: ParsedOptions): string {
  const given = (options.app as string | undefined) ?? process.env.KEELSON_APP;
  if (!given) throw new CliError('No app module: pass --app path/to/module (or set KEELSON_APP) naming a module that exports a Registry.');
  return resolve(process.cwd(), given);
}

/** `error` as a CliError about loading `resolved`, keeping the original as cause and in the debug stack. */
function loadFailure(resolved: string, error: unknown): CliError {
  const reason = error instanceof Error ? error.message : String(error);
  const wrapped = new CliError(`Could not load app module ${resolved}: ${reason}`);
  (wrapped as { cause?: unknown }).cause = error;
  if (error instanceof Error && error.stack) wrapped.stack = `${wrapped.stack}\nCaused by: ${error.stack}`;
  return wrapped;
}

/** The resolved path of the app module (see {@link appPath}); a CliError when there is no such module. */
export function resolveApp(options: ParsedOptions): string {
  const path = appPath(options);
  try {
    return require.resolve(path);
  } catch {
    throw new CliError(`App module ${path} not found${existsSync(path) ? '' : ' (no such file)'}.`);
  }
}

/** Loads the app module and returns its registry (export `registry`, else the default export). */
export function loadRegistry(options: ParsedOptions): Registry {
  const resolved = resolveApp(options);
  let mod: Record<string, unknown>;
  try {
    // A TypeScript loader that is already active (ts-node, Bun, jest's transforms) is used as it is.
    if (isTypeScriptFile(resolved) && !ensureTypeScriptLoader(resolved)) {
      throw new CliError(
        `App module ${resolved} is TypeScript, but ts-node is not installed: npm install --save-dev ts-node, or point --app at compiled JavaScript.`,
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(resolved);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw loadFailure(resolved, error);
  }
  const candidates = [mod.registry, mod.default, mod, (mod.default as Record<string, unknown> | undefined)?.registry];
  const registry = candidates.find(isRegistry);
  if (!registry) throw new CliError(`App module ${resolved} exports no Registry: export it as \`registry\` or as the default export.`);
  return registry;
}

/**
 * Fails when `registry` has no models of its own (a content type model alone does not count): the usual
 * cause is a registry module that the model files import, but that imports none of them. Commands that act
 * on models call it, so that nothing is planned (least of all drops) from an empty registry.
 */
export function requireModels(registry: Registry, app: string): Registry {
  const all = [...Object.values(registry.models), ...Object.values(registry.reflected), ...Object.values(registry.patternModels)];
  if (all.some((model) => model !== registry.contentType)) return registry;
  throw new CliError(
    `no models are registered in ${app}: does it import your model files? (Each model file imports the registry; the --app module must import every model file, e.g. \`import './models/user';\`, and export the registry.)`,
  );
}

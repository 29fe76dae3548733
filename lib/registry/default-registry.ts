import { Registry } from './registry';

const KEY = Symbol.for('keelson:default-registry');

type Holder = { [KEY]?: Registry };

/**
 * The process-wide default registry (database from `KEELSON_DATABASE_URL`, else `sqlite::memory:`).
 * It lives on `globalThis` under a `Symbol.for` key, so two copies of keelson in one process share it.
 */
export function getDefaultRegistry(): Registry {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Registry(process.env.KEELSON_DATABASE_URL || 'sqlite::memory:'));
}

/** Replaces the default registry (tests, or an app that builds its own at boot). */
export function setDefaultRegistry(registry: Registry | undefined): void {
  (globalThis as Holder)[KEY] = registry;
}

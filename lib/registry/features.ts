import type { Database } from '../database/database';
import { ConfigurationError } from '../errors';
import type { ModelClass, ModelMeta } from '../metadata/types';
import type { Registry } from './registry';

/**
 * A feature that plugs into every registry (automigration, reflection, content types): it registers itself
 * with `registerFeature`, so `Registry` keeps collections, callbacks and lifecycle and knows no feature.
 */
export interface RegistryFeature {
  /** Unique name: registering a name again replaces the earlier entry (a module evaluated twice). */
  readonly name: string;
  /** Runs at the end of `new Registry(…)`, in registration order. */
  construct?(registry: Registry): void;
  /** A concrete model just joined a collection; runs after its relations are queued, before its waiting callbacks. */
  adopt?(registry: Registry, meta: ModelMeta): void;
  /** A step of `connect()` once the databases are connected: `Registry` runs each phase at its place. */
  connect?: { readonly phase: ConnectPhase; run(registry: Registry): Promise<void> };
}

/**
 * The phases of `connect()` after the databases are connected, in the order the spec fixes: automigration
 * (once per registry, when configured) before reflection, so reflected models see the migrated tables.
 */
export type ConnectPhase = 'automigrate' | 'reflect';

const features: RegistryFeature[] = [];

/** Plugs a feature into every registry (those made before too, from their next hook on). */
export function registerFeature(feature: RegistryFeature): void {
  const index = features.findIndex((f) => f.name === feature.name);
  if (index >= 0) features[index] = feature;
  else features.push(feature);
}

/** The features that set up a new registry, in registration order. */
export function constructHooks(registry: Registry): void {
  for (const feature of features) feature.construct?.(registry);
}

/** Tells every feature a concrete model joined `registry`. */
export function adoptHooks(registry: Registry, meta: ModelMeta): void {
  for (const feature of features) feature.adopt?.(registry, meta);
}

/** Runs the connect steps of one phase, in registration order; the first failure stops them and is rethrown. */
export async function connectHooks(registry: Registry, phase: ConnectPhase): Promise<void> {
  for (const feature of features) if (feature.connect?.phase === phase) await feature.connect.run(registry);
}

/** `registry.reflectPatternModels(options)`'s implementation: the reflection feature provides it. */
export type PatternReflector = (registry: Registry, options: { databaseName?: string; database?: Database }) => Promise<ModelClass[]>;

let patternReflector: PatternReflector | undefined;

/** Installs the implementation of `registry.reflectPatternModels` (called by the reflection feature). */
export function providePatternReflector(reflector: PatternReflector): void {
  patternReflector = reflector;
}

/** The installed pattern reflector; the registry module loads the default features, so it is always set. */
export function requirePatternReflector(): PatternReflector {
  if (!patternReflector) throw new ConfigurationError('keelson: no reflection feature is loaded (lib/registry/default-features.ts was not imported).');
  return patternReflector;
}

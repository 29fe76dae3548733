import { providePatternReflector, registerFeature } from '../registry/features';
import type { Registry } from '../registry/registry';
import { reflectPatternModels, reflectRegistry } from './reflect';

/**
 * Reflects the reflected and pattern models from the connected databases: pattern models turn matching
 * live tables into reflected models, then every reflected model takes its columns from its live table.
 */
async function reflectModels(registry: Registry): Promise<void> {
  if (!Object.keys(registry.reflected).length && !Object.keys(registry.patternModels).length) return;
  await reflectRegistry(registry);
}

registerFeature({ name: 'reflection', connect: { phase: 'reflect', run: reflectModels } });
providePatternReflector(reflectPatternModels);

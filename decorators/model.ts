import { recordModelOptions, ModelOptions } from '../lib/metadata/raw';
import { getDefaultRegistry } from '../lib/registry/default-registry';
import { inheritedOption } from '../lib/metadata/inheritance';

/** Declares a model and registers it with `options.registry` (inherited from an abstract parent, else the default registry). */
export function Model(options: ModelOptions = {}): ClassDecorator {
  return (target) => {
    recordModelOptions(target, options);
    const registry = options.registry ?? inheritedOption(target, 'registry') ?? getDefaultRegistry();
    registry.register(target as never);
  };
}

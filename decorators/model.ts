import { recordModelOptions, ModelOptions } from '../lib/metadata/raw';
import { getDefaultRegistry } from '../lib/registry/default-registry';
import { inheritedOption } from '../lib/metadata/inheritance';
import { standardDecoratorError } from '../lib/metadata/compiler-checks';

/** Declares a model and registers it with `options.registry` (inherited from an abstract parent, else the default registry). */
export function Model(options: ModelOptions = {}): ClassDecorator {
  // `context` is only passed to standard (TC39) decorators: the project lacks experimentalDecorators.
  return (target: Function, context?: unknown) => {
    if (typeof context === 'object') throw standardDecoratorError('@Model()', context);
    recordModelOptions(target, options);
    const registry = options.registry ?? inheritedOption(target, 'registry') ?? getDefaultRegistry();
    registry.register(target as never);
  };
}

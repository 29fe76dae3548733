import { getMetadataStorage, validate, type ValidationError as ClassValidatorError } from 'class-validator';

const hasMetadata = new WeakMap<Function, boolean>();

/** Whether the class (or a parent class) carries class-validator decorators; asked once per class. */
export function hasClassValidators(model: Function): boolean {
  let known = hasMetadata.get(model);
  if (known === undefined) {
    known = getMetadataStorage().getTargetValidationMetadatas(model, '', false, false).length > 0;
    hasMetadata.set(model, known);
  }
  return known;
}

/**
 * Runs class-validator on one instance and returns its messages by property (nested errors keyed
 * `parent.child`), or undefined when it passes. `names` keeps only the errors of those properties.
 */
export async function classValidatorErrors(instance: object, names?: ReadonlySet<string>): Promise<Record<string, string[]> | undefined> {
  const errors = await validate(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length === 0) return undefined;
  let out: Record<string, string[]> | undefined;
  for (const error of errors) {
    if (names && !names.has(error.property)) continue;
    out = flatten(error, error.property, out);
  }
  return out;
}

function flatten(error: ClassValidatorError, path: string, out: Record<string, string[]> | undefined): Record<string, string[]> | undefined {
  const messages = Object.values(error.constraints ?? {});
  if (messages.length > 0) {
    out ??= {};
    (out[path] ??= []).push(...messages);
  }
  for (const child of error.children ?? []) out = flatten(child, `${path}.${child.property}`, out);
  return out;
}

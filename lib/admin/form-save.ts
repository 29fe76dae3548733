import { IntegrityError, ValidationError } from '../errors';
import type { ModelClass } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { ParsedForm } from './form-values';

/** A related manager of a many-to-many field, as the instance exposes it. */
interface LinkManager {
  all(): PromiseLike<BaseModel[]>;
  add(...keys: never[]): Promise<void>;
  remove(...keys: never[]): Promise<void>;
}

/** Makes the instance's links of one many-to-many field exactly `keys`: adds the new ones, removes the dropped ones. */
async function syncLinks(instance: BaseModel, name: string, keys: unknown[]): Promise<void> {
  const manager = (instance as unknown as Record<string, LinkManager>)[name];
  const current = (await manager.all()).map((row) => row.pk as unknown);
  const wanted = new Set(keys.map(String));
  const have = new Set(current.map(String));
  const removed = current.filter((key) => !wanted.has(String(key)));
  const added = keys.filter((key) => !have.has(String(key)));
  if (removed.length) await manager.remove(...(removed as never[]));
  if (added.length) await manager.add(...(added as never[]));
}

/**
 * Writes a parsed form: creates a row (no `instance`) or updates one, then its many-to-many links, in one
 * transaction so a failure leaves nothing half written. Returns per-field messages instead of throwing
 * when keelson refuses the values.
 */
export async function saveForm(model: ModelClass, parsed: ParsedForm, instance?: BaseModel): Promise<Record<string, string[]> | undefined> {
  const database = model.meta.registry.databaseFor(model.meta.database);
  try {
    await database.transaction(async () => {
      const saved = instance ? await instance.update(parsed.values) : await model.query.create(parsed.values);
      for (const [name, keys] of parsed.links) await syncLinks(saved, name, keys);
    });
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return byFieldName(model, error.errors);
    if (error instanceof IntegrityError) return integrityMessages(error);
    throw error;
  }
}

/** Messages keyed by field name, so a message keelson gives for `author_id` shows beside the `author` input. */
function byFieldName(model: ModelClass, errors: Record<string, string[]>): Record<string, string[]> {
  const named: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const name = model.meta.fields.get(key)?.name ?? model.meta.attnames.get(key)?.name ?? (model.meta.manyToMany.has(key) ? key : '__all__');
    named[name] = [...(named[name] ?? []), ...messages];
  }
  return named;
}

/** A unique or foreign-key violation as messages on the fields it names (or on the form as a whole). */
function integrityMessages(error: IntegrityError): Record<string, string[]> {
  const message =
    error.kind === 'unique'
      ? 'Another row already has this value; choose a different one.'
      : 'The related row does not exist (or is still referenced); pick another.';
  const fields = error.fields?.length ? error.fields : ['__all__'];
  return Object.fromEntries(fields.map((field) => [field, [message]]));
}

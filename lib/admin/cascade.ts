import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySet } from '../query/queryset';

/** How deep the confirmation page follows cascades (rows of rows of the deleted one). */
const DEPTH = 2;

/** Rows one cascading relation will remove. */
export interface CascadeEntry {
  model: string;
  field: string;
  count: number;
  depth: number;
}

/** Rows that refuse a delete because their key points at it with ON DELETE RESTRICT or NO ACTION. */
export interface BlockingEntry {
  model: string;
  field: string;
  count: number;
}

/** Foreign keys anywhere in the registry that point at `meta` with one of `actions` (through models' included). */
function referencing(meta: ModelMeta, actions: readonly string[]): { owner: ModelClass; field: FieldMeta }[] {
  const registry = meta.registry;
  const models = [...Object.values(registry.models), ...Object.values(registry.reflected)];
  const found: { owner: ModelClass; field: FieldMeta }[] = [];
  for (const owner of models) {
    for (const field of owner.meta.fields.values()) {
      const relation = field.relation;
      if (relation && actions.includes(relation.onDelete) && (relation.target === meta.model || relation.targetName === meta.name))
        found.push({ owner, field });
    }
  }
  return found;
}

/** Counts what cascades from the rows `keys` of `meta`, following each relation `DEPTH` levels down. */
async function walk(meta: ModelMeta, keys: unknown[], depth: number, into: CascadeEntry[]): Promise<void> {
  if (!keys.length || depth > DEPTH) return;
  for (const { owner, field } of referencing(meta, ['CASCADE'])) {
    const rows = owner.query.filter({ [`${field.name}__in`]: keys }) as QuerySet<BaseModel>;
    const count = await rows.count();
    if (!count) continue;
    into.push({ model: owner.meta.name, field: field.name, count, depth });
    if (depth < DEPTH && !owner.meta.compositeKey) {
      const childKeys = await rows.valuesList(owner.meta.pkName, { flat: true });
      await walk(owner.meta, childKeys, depth + 1, into);
    }
  }
}

/** What deleting `instance` also removes, by model and relation, one or two levels deep. */
export async function cascadeOf(instance: BaseModel): Promise<CascadeEntry[]> {
  const entries: CascadeEntry[] = [];
  await walk((instance.constructor as ModelClass).meta, [instance.pk], 1, entries);
  return entries;
}

/** Rows that still point at `instance` through a key refusing the delete: while there are any, the delete fails. */
export async function blockersOf(instance: BaseModel): Promise<BlockingEntry[]> {
  const entries: BlockingEntry[] = [];
  for (const { owner, field } of referencing((instance.constructor as ModelClass).meta, ['RESTRICT', 'NO ACTION'])) {
    const count = await owner.query.filter({ [field.name]: instance.pk }).count();
    if (count) entries.push({ model: owner.meta.name, field: field.name, count });
  }
  return entries;
}

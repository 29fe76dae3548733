import { ModelDefinitionError } from '../../errors';
import type { ManyToManyMeta, ModelMeta } from '../../metadata/types';

/**
 * The through model's foreign keys to owner and target, found by their target models (for a user-supplied
 * through model they are only known once its own relations are bound).
 */
export function throughFields(owner: ModelMeta, m2m: ManyToManyMeta): { ownerField: string; targetField: string } {
  if (m2m.ownerField && m2m.targetField) return { ownerField: m2m.ownerField, targetField: m2m.targetField };
  const through = m2m.through!.meta;
  const fks = [...through.fields.values()].filter((f) => f.relation);
  const toOwner = fks.find((f) => f.relation!.target === owner.model);
  const toTarget = fks.find((f) => f !== toOwner && f.relation!.target === m2m.target);
  if (!toOwner || !toTarget) {
    throw new ModelDefinitionError(
      `${owner.name}.${m2m.name}: through model ${through.name} needs a foreign key to ${owner.name} and one to ${m2m.targetName}.`,
    );
  }
  m2m.ownerField = toOwner.name;
  m2m.targetField = toTarget.name;
  return { ownerField: toOwner.name, targetField: toTarget.name };
}

/**
 * The through table's columns seen from one side of a many-to-many: `near` points at the side you stand
 * on (the owner, or the target when `reversed`), `far` at the other side.
 */
export function throughColumns(owner: ModelMeta, m2m: ManyToManyMeta, reversed: boolean): { through: ModelMeta; near: string; far: string } {
  const { ownerField, targetField } = throughFields(owner, m2m);
  const through = m2m.through!.meta;
  const column = (field: string) => through.fields.get(field)!.column;
  return reversed ? { through, near: column(targetField), far: column(ownerField) } : { through, near: column(ownerField), far: column(targetField) };
}

/** Key of a many-to-many's always-present reverse path on its target (not a valid identifier, so it never clashes). */
export function hiddenReverseKey(owner: ModelMeta, property: string): string {
  return `+${owner.name}.${property}`;
}

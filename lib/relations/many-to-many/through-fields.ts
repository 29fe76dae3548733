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

/** Key of a many-to-many's always-present reverse path on its target (not a valid identifier, so it never clashes). */
export function hiddenReverseKey(owner: ModelMeta, property: string): string {
  return `+${owner.name}.${property}`;
}

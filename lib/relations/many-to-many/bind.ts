import { ModelDefinitionError } from '../../errors';
import { defaultRelatedName } from '../../metadata/builder';
import type { ManyToManyMeta, ModelClass, ModelMeta } from '../../metadata/types';
import { addReverse } from '../reverse';
import { synthesizeThrough } from './through';

/** Binds a many-to-many field once its target is known: through model (synthesized or the user's), reverse accessor. */
export function bindManyToMany(owner: ModelMeta, property: string, target: ModelClass): void {
  const m2m = owner.manyToMany.get(property)!;
  m2m.target = target;
  m2m.targetName = target.meta.name;
  if (m2m.autoThrough) {
    m2m.through = synthesizeThrough(owner, m2m, target.meta);
  } else {
    owner.registry.resolveTarget(owner, `${property} (through)`, m2m.rawThrough!, (through) => {
      m2m.through = through;
    });
  }
  const relatedName = m2m.relatedName === '' ? defaultRelatedName(owner.name, 'manyToMany') : m2m.relatedName;
  if (relatedName !== false) addReverse(target.meta, { name: relatedName, kind: 'manyToMany', owner: owner.model, field: property });
}

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

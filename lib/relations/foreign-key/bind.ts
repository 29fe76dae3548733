import { classMeta } from '../../metadata/types';
import type { ModelClass, ModelMeta } from '../../metadata/types';
import { ModelDefinitionError } from '../../errors';
import { addReverse } from '../reverse/bind';

/** Binds a foreign key (or one-to-one) of `owner` to its resolved target: column type, reverse accessor. */
export function bindForeignKey(owner: ModelMeta, property: string, target: ModelClass): void {
  const field = owner.fields.get(property)!;
  const relation = field.relation!;
  const targetMeta = classMeta(target);
  if (targetMeta.compositeKey && !targetMeta.reflect) {
    throw new ModelDefinitionError(
      `${owner.name}.${property}: ${targetMeta.name} has a composite primary key (${targetMeta.compositeKey.join(', ')}); a foreign key cannot reference part of it.`,
    );
  }
  const pk = targetMeta.fields.get(targetMeta.pkName)!;
  field.type = pk.type;
  field.jsKind = pk.jsKind;
  field.maxLength = pk.maxLength;
  field.precision = pk.precision;
  field.scale = pk.scale;
  if (pk.timezone === false) field.timezone = false;
  relation.target = target;
  relation.targetName = targetMeta.name;
  if (relation.relatedName !== false && !relation.internal) {
    addReverse(targetMeta, { name: relation.relatedName, kind: relation.kind, owner: owner.model, field: property });
  }
}

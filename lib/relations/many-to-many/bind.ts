import { defaultRelatedName } from '../../metadata/builder';
import { classMeta, ownMap } from '../../metadata/types';
import type { ModelClass, ModelMeta } from '../../metadata/types';
import { addReverse } from '../reverse/bind';
import { synthesizeThrough } from './through';
import { hiddenReverseKey } from './through-fields';

/** Binds a many-to-many field once its target is known: through model (synthesized or the user's), reverse accessor. */
export function bindManyToMany(owner: ModelMeta, property: string, target: ModelClass): void {
  const m2m = owner.manyToMany.get(property)!;
  const targetMeta = classMeta(target);
  m2m.target = target;
  m2m.targetName = targetMeta.name;
  if (m2m.autoThrough) {
    m2m.through = synthesizeThrough(owner, m2m, targetMeta);
  } else {
    owner.registry.resolveTarget(owner, property, m2m.rawThrough!, bindThrough, `${property} (through)`);
  }
  const hidden = hiddenReverseKey(owner, property);
  ownMap(targetMeta, 'hiddenReverse').set(hidden, { name: hidden, kind: 'manyToMany', owner: owner.model, field: property });
  const relatedName = m2m.relatedName === '' ? defaultRelatedName(owner.name, 'manyToMany') : m2m.relatedName;
  if (relatedName !== false) addReverse(targetMeta, { name: relatedName, kind: 'manyToMany', owner: owner.model, field: property });
}

/** Points a many-to-many with a custom through model at that model once it exists. */
function bindThrough(owner: ModelMeta, property: string, through: ModelClass): void {
  owner.manyToMany.get(property)!.through = through;
}

import { defaultRelatedName } from '../../metadata/builder';
import { ownMap } from '../../metadata/types';
import type { ModelClass, ModelMeta } from '../../metadata/types';
import { addReverse } from '../reverse';
import { synthesizeThrough } from './through';
import { hiddenReverseKey } from './through-fields';

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
  ownMap(target.meta, 'hiddenReverse').set(hiddenReverseKey(owner, property), { name: hiddenReverseKey(owner, property), kind: 'manyToMany', owner: owner.model, field: property });
  const relatedName = m2m.relatedName === '' ? defaultRelatedName(owner.name, 'manyToMany') : m2m.relatedName;
  if (relatedName !== false) addReverse(target.meta, { name: relatedName, kind: 'manyToMany', owner: owner.model, field: property });
}


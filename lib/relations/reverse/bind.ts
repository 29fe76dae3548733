import { ModelDefinitionError } from '../../errors';
import { ownMap } from '../../metadata/types';
import type { ModelMeta, ReverseMeta } from '../../metadata/types';
import { installReverseAccessor } from '../accessors';

/** `Owner.field` of a reverse relation, for messages. */
const ownerOf = (reverse: ReverseMeta): string => `${reverse.owner.meta.name}.${reverse.field}`;

/** Reserves a reverse accessor name on the target and installs it; a clash is a definition error. */
export function addReverse(target: ModelMeta, reverse: ReverseMeta): void {
  const existing = target.reverse.get(reverse.name);
  if (existing && !(existing.owner === reverse.owner && existing.field === reverse.field)) {
    throw new ModelDefinitionError(
      `${ownerOf(reverse)}: reverse accessor ${target.name}.${reverse.name} is already taken by ${existing.owner.meta.name}.${existing.field}. ` +
        `Pass a different relatedName (or relatedName: false) to one of them.`,
    );
  }
  if (target.fields.has(reverse.name) || target.manyToMany.has(reverse.name)) {
    throw new ModelDefinitionError(
      `${ownerOf(reverse)}: reverse accessor ${target.name}.${reverse.name} clashes with the field of that name. Pass a different relatedName.`,
    );
  }
  ownMap(target, 'reverse').set(reverse.name, reverse);
  installReverseAccessor(target, reverse);
}

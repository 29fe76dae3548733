import { recordRawField, ForeignKeyOptions, ManyToManyOptions } from '../lib/metadata/raw';
import { standardDecoratorError } from '../lib/metadata/compiler-checks';
import type { RelationTarget } from '../lib/metadata/types';

/**
 * A many-to-one relation stored in column `${property}_id`. The target is a model name, a class, or a
 * thunk; the property's TypeScript type is never read, so type it `Relation<Target>`.
 */
export function ForeignKey(target: RelationTarget, options: ForeignKeyOptions = {}): PropertyDecorator {
  return (proto, property) => {
    // A standard (TC39) decorator gets a context object here: the project lacks experimentalDecorators.
    if (typeof property === 'object') throw standardDecoratorError('@ForeignKey()', property);
    recordRawField(proto.constructor, { kind: 'foreignKey', property: String(property), target, options });
  };
}

/** A one-to-one relation: a unique foreign key whose reverse accessor resolves to one instance or null. */
export function OneToOne(target: RelationTarget, options: ForeignKeyOptions = {}): PropertyDecorator {
  return (proto, property) => {
    if (typeof property === 'object') throw standardDecoratorError('@OneToOne()', property);
    recordRawField(proto.constructor, { kind: 'oneToOne', property: String(property), target, options });
  };
}

/** A many-to-many relation through a synthesized (or the given `through`) model. Type it `ManyRelation<Target>`. */
export function ManyToMany(target: RelationTarget, options: ManyToManyOptions = {}): PropertyDecorator {
  return (proto, property) => {
    if (typeof property === 'object') throw standardDecoratorError('@ManyToMany()', property);
    recordRawField(proto.constructor, { kind: 'manyToMany', property: String(property), target, options });
  };
}

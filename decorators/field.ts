import 'reflect-metadata';
import { recordRawField, FieldOptions } from '../lib/metadata/raw';
import { standardDecoratorError } from '../lib/metadata/compiler-checks';

/** The property decorator of `@Field` and `@PrimaryKey` (`name` is for messages). */
function fieldDecorator(name: string, options: FieldOptions): PropertyDecorator {
  return (target, property) => {
    // A standard (TC39) decorator gets a context object here: the project lacks experimentalDecorators.
    if (typeof property === 'object') throw standardDecoratorError(name, property);
    const designType = Reflect.getMetadata('design:type', target, property);
    recordRawField(target.constructor, { kind: 'field', property: String(property), options, designType });
  };
}

/** Declares a column. The type comes from `options.type`, else from the property's TypeScript type. */
export function Field(options: FieldOptions = {}): PropertyDecorator {
  return fieldDecorator('@Field()', options);
}

/** Declares the primary key column (autoincrement when it is an integer and no default is given). */
export function PrimaryKey(options: FieldOptions = {}): PropertyDecorator {
  return fieldDecorator('@PrimaryKey()', { ...options, primaryKey: true });
}

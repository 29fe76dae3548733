import 'reflect-metadata';
import { recordRawField, FieldOptions } from '../lib/metadata/raw';

/** Declares a column. The type comes from `options.type`, else from the property's TypeScript type. */
export function Field(options: FieldOptions = {}): PropertyDecorator {
  return (target, property) => {
    const designType = Reflect.getMetadata('design:type', target, property);
    recordRawField(target.constructor, { kind: 'field', property: String(property), options, designType });
  };
}

/** Declares the primary key column (autoincrement when it is an integer and no default is given). */
export function PrimaryKey(options: FieldOptions = {}): PropertyDecorator {
  return Field({ ...options, primaryKey: true });
}

import { ModelDefinitionError } from '../errors';
import { checkIdentifier } from './field-types';
import type { ForeignKeyOptions, RawField } from './raw';
import { REFERENTIAL_ACTIONS } from './types';
import type { FieldMeta, ManyToManyMeta, ReferentialAction } from './types';

/** An `onDelete` / `onUpdate` option, upper-cased and checked; `fallback` when not given. */
function checkAction(where: string, option: string, value: string | undefined, fallback: ReferentialAction): ReferentialAction {
  if (value === undefined) return fallback;
  const upper = String(value).toUpperCase();
  if (!REFERENTIAL_ACTIONS.has(upper)) {
    throw new ModelDefinitionError(`${where}: ${option} "${value}" is not one of ${[...REFERENTIAL_ACTIONS].join(', ')}.`);
  }
  return upper as ReferentialAction;
}

/** A foreign-key (or one-to-one) field built from decorator-style options. */
export function foreignKeyField(owner: string, property: string, kind: 'foreignKey' | 'oneToOne', o: ForeignKeyOptions): FieldMeta {
  const where = `${owner}.${property}`;
  const attname = `${property}_id`;
  const column = o.column ?? attname;
  checkIdentifier('column name', column, where);
  const primaryKey = o.primaryKey === true;
  if (primaryKey && o.nullable === true) throw new ModelDefinitionError(`${where}: a primary key cannot be nullable.`);
  const nullable = o.nullable === true;
  const onDelete = checkAction(where, 'onDelete', o.onDelete, 'RESTRICT');
  const onUpdate = checkAction(where, 'onUpdate', o.onUpdate, 'CASCADE');
  if (!nullable && (onDelete === 'SET NULL' || onUpdate === 'SET NULL')) {
    throw new ModelDefinitionError(`${where}: SET NULL needs a nullable foreign key. Pass { nullable: true } or choose another action.`);
  }
  if (o.relatedName !== undefined && o.relatedName !== false) checkIdentifier('relatedName', o.relatedName, where);
  return {
    name: property,
    column,
    attname,
    // Placeholders until the target is bound: the column then takes the target primary key's type.
    type: 'integer',
    jsKind: 'number',
    nullable,
    default: o.default,
    unique: kind === 'oneToOne' || o.unique === true,
    // Foreign keys are indexed unless opted out (table-definition.ts leaves out the ones another index covers).
    index: o.index !== false,
    maxLength: undefined,
    precision: undefined,
    scale: undefined,
    primaryKey,
    autoincrement: false,
    comment: o.comment,
    secret: false,
    // Every key up front (the target ones are set when it is bound): one shape, no out-of-object properties.
    relation: {
      kind,
      targetName: undefined,
      target: undefined,
      relatedName: o.relatedName === undefined ? defaultRelatedName(owner, kind) : o.relatedName,
      onDelete,
      onUpdate,
    },
  };
}

/** Default reverse accessor name: `${owner}s_set` for many-to-one and many-to-many, `${owner}` for one-to-one. */
export function defaultRelatedName(owner: string, kind: 'foreignKey' | 'oneToOne' | 'manyToMany'): string {
  return kind === 'oneToOne' ? owner.toLowerCase() : `${owner.toLowerCase()}s_set`;
}

/** The metadata of a `@ManyToMany` field before its target is bound. */
export function manyToManyMeta(raw: Extract<RawField, { kind: 'manyToMany' }>): ManyToManyMeta {
  const { throughTablename, relatedName } = raw.options;
  if (throughTablename !== undefined) checkIdentifier('throughTablename', throughTablename, raw.property);
  // Every key up front (the others are set when it is bound): one shape, no out-of-object properties.
  return {
    name: raw.property,
    targetName: undefined,
    target: undefined,
    through: undefined,
    autoThrough: raw.options.through === undefined,
    throughTablename,
    ownerField: undefined,
    targetField: undefined,
    relatedName: relatedName === undefined ? '' : relatedName,
    rawThrough: raw.options.through,
  };
}

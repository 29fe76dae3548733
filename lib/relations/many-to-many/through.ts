import { recordModelOptions, recordRawField } from '../../metadata/raw';
import type { ForeignKeyOptions } from '../../metadata/raw';
import type { ManyToManyMeta, ModelClass, ModelMeta } from '../../metadata/types';
import { BaseModel } from '../../models/base-model';
import { namedSubclass } from '../../metadata/inheritance';

/** `${Owner}${Field}Through`: the name of a synthesized through model. */
export function throughName(owner: ModelMeta, field: string): string {
  return `${owner.name}${field.charAt(0).toUpperCase()}${field.slice(1)}Through`;
}

/** The through model's two foreign-key field names: owner and target (`to_` prefix when they are the same model). */
export function throughFieldNames(owner: ModelMeta, target: ModelMeta): [string, string] {
  const ownerField = owner.name.toLowerCase();
  const targetField = target.name.toLowerCase();
  return [ownerField, owner === target ? `to_${targetField}` : targetField];
}

/** Options of a synthesized through model's two foreign keys (raw options are only read, so one object serves all). */
const THROUGH_KEY: ForeignKeyOptions = Object.freeze({ onDelete: 'CASCADE', onUpdate: 'CASCADE', relatedName: false });

/**
 * Declares the through model of a many-to-many field exactly as a user would (raw arguments, then the
 * registry), so it flows through the same pipeline and fires callbacks waiting on it.
 */
export function synthesizeThrough(owner: ModelMeta, m2m: ManyToManyMeta, target: ModelMeta): ModelClass {
  const name = throughName(owner, m2m.name);
  // A plain BaseModel subclass becomes a ModelClass (gains `meta`) once registered below.
  const Through = namedSubclass(BaseModel as unknown as ModelClass, name);
  const [ownerField, targetField] = throughFieldNames(owner, target);
  const tablename = m2m.throughTablename ?? (owner.tablePrefix ? `${owner.tablePrefix}_${name.toLowerCase()}` : name.toLowerCase());
  recordRawField(Through, { kind: 'foreignKey', property: ownerField, target: owner.model, options: THROUGH_KEY });
  recordRawField(Through, { kind: 'foreignKey', property: targetField, target: target.model, options: THROUGH_KEY });
  recordModelOptions(Through, {
    registry: owner.registry,
    tablename,
    database: owner.database,
    // Links between shared rows are shared; a link to a tenant's row lives with the tenant's rows.
    shared: owner.shared && target.shared,
    uniqueTogether: [[ownerField, targetField]],
  });
  owner.registry.register(Through, { isThrough: true });
  m2m.ownerField = ownerField;
  m2m.targetField = targetField;
  return Through;
}

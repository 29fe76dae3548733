import type { Registry } from '../registry/registry';
import type { BaseModel } from '../models/base-model';
import type { Manager } from '../query/manager';
import type { ModelSignals } from '../models/signals';
import type { PatternOptions } from './raw';

/** Every column type a field can have. */
export type FieldType =
  | 'integer' | 'bigint' | 'float' | 'decimal' | 'string' | 'text' | 'boolean'
  | 'date' | 'datetime' | 'time' | 'json' | 'uuid' | 'binary' | 'enum';

/** All field types, for validation of user input. */
export const FIELD_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'integer', 'bigint', 'float', 'decimal', 'string', 'text', 'boolean',
  'date', 'datetime', 'time', 'json', 'uuid', 'binary', 'enum',
]);

/** Referential actions accepted by `onDelete` / `onUpdate`. */
export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'SET NULL' | 'SET DEFAULT' | 'NO ACTION';
export const REFERENTIAL_ACTIONS: ReadonlySet<string> = new Set(['CASCADE', 'RESTRICT', 'SET NULL', 'SET DEFAULT', 'NO ACTION']);

/** How a JS property wants values of numeric-ish columns (bigint / decimal) handed back. */
export type JsKind = 'number' | 'string' | 'bigint' | 'date' | 'other';

/** A model class as the registry sees it. */
export interface ModelClass<T extends BaseModel = any> {
  new (values?: Record<string, unknown>): T;
  readonly name: string;
  meta: ModelMeta;
  query: Manager<T>;
  prototype: T;
}

/** The target of a relation: a model name, a model class, or a thunk returning the class. */
export type RelationTarget = string | ModelClass<any> | (() => ModelClass<any> | undefined);

/** A foreign key (or one-to-one) resolved against its target. */
export interface ForeignKeyMeta {
  kind: 'foreignKey' | 'oneToOne';
  /** Target model's registry name, known once the target is resolved. */
  targetName?: string;
  target?: ModelClass;
  relatedName: string | false;
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** Marks FKs of generated through models (they get no reverse accessor). */
  internal?: boolean;
}

/** A resolved field (column) of a model. */
export interface FieldMeta {
  /** Property name on the instance. */
  name: string;
  /** Column name in the table. */
  column: string;
  /** Instance property holding the raw column value: the name itself, or `${name}_id` for a foreign key. */
  attname: string;
  /** Column type; for a foreign key it follows the target's primary key once bound. */
  type: FieldType;
  jsKind: JsKind;
  nullable: boolean;
  default?: unknown;
  unique: boolean;
  index: boolean;
  maxLength?: number;
  /** Digits of a decimal; fractional-second digits of a datetime. */
  precision?: number;
  scale?: number;
  /** A datetime without a time zone when false (PostgreSQL `timestamp`). */
  timezone?: boolean;
  choices?: readonly (string | number)[];
  primaryKey: boolean;
  autoincrement: boolean;
  comment?: string;
  secret: boolean;
  /** The database fills the column when an insert leaves it out (a reflected column with a server default). */
  serverDefault?: boolean;
  /** Set on foreign-key and one-to-one fields. */
  relation?: ForeignKeyMeta;
}

/** A many-to-many field; bound once both the target and the through model exist. */
export interface ManyToManyMeta {
  name: string;
  targetName?: string;
  target?: ModelClass;
  /** The through model (user-supplied or synthesized). */
  through?: ModelClass;
  /** True when keelson synthesized the through model. */
  autoThrough: boolean;
  throughTablename?: string;
  /** Field on the through model pointing at the owner. */
  ownerField?: string;
  /** Field on the through model pointing at the target. */
  targetField?: string;
  relatedName: string | false;
  /** The user's raw through option, kept for copies. */
  rawThrough?: RelationTarget;
}

/** A reverse accessor installed on a relation's target model. */
export interface ReverseMeta {
  name: string;
  kind: 'foreignKey' | 'oneToOne' | 'manyToMany';
  /** The model that declared the relation. */
  owner: ModelClass;
  /** The field on the owner (FK field or M2M field). */
  field: string;
}

/** An index declared on a model. */
export interface IndexMeta {
  name?: string;
  fields: string[];
  unique?: boolean;
}

/** Resolved, per-model metadata; built once by the builder and read by every hot path. */
export interface ModelMeta {
  name: string;
  model: ModelClass;
  registry: Registry;
  tablename: string;
  tablePrefix?: string;
  /** Database alias (`'default'` for the primary). */
  database: string;
  abstract: boolean;
  reflect: boolean;
  /** Database schema of the table when set on the model (reflected pattern tables); else the registry's. */
  schema?: string;
  /** Set on pattern (template) models. */
  pattern?: PatternOptions;
  /** Synthesized many-to-many through model. */
  isThrough: boolean;
  fields: Map<string, FieldMeta>;
  pkName: string;
  /** Every key field of a composite primary key, declared or reflected (instance writes address them all). */
  compositeKey?: string[];
  manyToMany: Map<string, ManyToManyMeta>;
  reverse: Map<string, ReverseMeta>;
  /** Reverse paths of many-to-many fields keyed `+Owner.field`, present even with `relatedName: false`; used by related managers. */
  hiddenReverse: Map<string, ReverseMeta>;
  uniqueTogether: string[][];
  indexes: IndexMeta[];
  constraints: unknown[];
  comment?: string;
  /** Attname (`author_id`) → field, for values given by raw key. */
  attnames: Map<string, FieldMeta>;
  /** Column name → field, for hydration. */
  columnToField: Map<string, FieldMeta>;
  /** Lifecycle signals of this model. */
  signals: ModelSignals;
  /** Static custom managers by property name. */
  managers: Map<string, Manager<any>>;
}

/**
 * An empty map shared by every model that has nothing in that collection; writers replace it with
 * their own map first (`ownMap`). Registries of thousands of models (and their copies) skip four maps each.
 */
export const EMPTY_MAP: ReadonlyMap<never, never> = new (class EmptyMap extends Map<never, never> {
  override set(): this {
    throw new Error('keelson: a shared empty metadata map was written to directly; use ownMap()');
  }
})();

/** The model's own map for `key`, made on first write. */
export function ownMap<K extends 'reverse' | 'hiddenReverse' | 'manyToMany' | 'managers'>(meta: ModelMeta, key: K): ModelMeta[K] {
  if (meta[key] === (EMPTY_MAP as unknown)) (meta as unknown as Record<string, unknown>)[key] = new Map();
  return meta[key];
}

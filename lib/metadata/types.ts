import type { Registry } from '../registry/registry';
import type { BaseModel } from '../models/base-model';
import type { Manager } from '../query/manager';
import type { ModelSignals } from '../models/signals';
import type { ModelOptions, PatternOptions, RawField } from './raw';
import type { ColumnSpec } from './column-spec';

/** Every column type a field can have. */
export type FieldType =
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'float'
  | 'decimal'
  | 'string'
  | 'text'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'time'
  | 'json'
  | 'uuid'
  | 'binary'
  | 'enum'
  | 'array';

/** All field types, for validation of user input. */
export const FIELD_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'smallint',
  'integer',
  'bigint',
  'float',
  'decimal',
  'string',
  'text',
  'boolean',
  'date',
  'datetime',
  'time',
  'json',
  'uuid',
  'binary',
  'enum',
  'array',
]);

/** Referential actions accepted by `onDelete` / `onUpdate`. */
export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'SET NULL' | 'SET DEFAULT' | 'NO ACTION';
export const REFERENTIAL_ACTIONS: ReadonlySet<string> = new Set(['CASCADE', 'RESTRICT', 'SET NULL', 'SET DEFAULT', 'NO ACTION']);

/** How a JS property wants values of numeric-ish columns (bigint / decimal) handed back. */
export type JsKind = 'number' | 'string' | 'bigint' | 'date' | 'other';

/** A model class as the registry sees it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: a concrete class is not assignable to ModelClass<BaseModel> (its query takes its own values)
export interface ModelClass<T extends BaseModel = any> {
  new (values?: Record<string, unknown>): T;
  readonly name: string;
  meta: ModelMeta;
  query: Manager<T>;
  prototype: T;
}

/** The target of a relation: a model name, a model class, or a thunk returning the class. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model class
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

/** A resolved field (column) of a model: its column's spec, and what the model side adds. */
export interface FieldMeta extends ColumnSpec {
  /** Property name on the instance. */
  name: string;
  /** Column name in the table. */
  column: string;
  /** Instance property holding the raw column value: the name itself, or `${name}_id` for a foreign key. */
  attname: string;
  /** How the property wants numeric-ish values handed back. */
  jsKind: JsKind;
  /** An index on the column alone (a foreign key's by default). */
  index: boolean;
  /** Left out of `toJSON()`. */
  secret: boolean;
  /** Set to now by keelson: on insert only (`'insert'`, from `autoNowAdd`) or on every write (`'always'`, from `autoNow`). */
  autoNow?: 'insert' | 'always';
  /** The database fills the column when an insert leaves it out (a generated column, or a reflected column with a server default). */
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

/**
 * A `constraints` entry of `@Model`: a CHECK (`check` is the SQL expression, written by the user), or a unique
 * constraint over fields, partial when `condition` (lookups, as in `filter()`) is given.
 */
export type ConstraintOption = { name: string; check: string } | { name?: string; unique: string[]; condition?: Record<string, unknown> };

/** A checked `constraints` entry: every entry has its name (a unique one's default is Knex's). */
export type ConstraintMeta = { name: string; check: string } | { name: string; unique: string[]; condition?: Record<string, unknown> };

/**
 * What a model class declares, read once from the class and its ancestors when the class is registered:
 * the decorators' raw arguments and the `@Model` options. Never written after it is made, so a registry copy
 * shares it with the original and builds its own metadata from it without walking the class chain again.
 * @internal
 */
export interface ModelDeclaration {
  /** The class's name (a copy's class takes it too). */
  readonly className: string;
  /** Raw fields of the class and its ancestors (a subclass's declaration replaces its parent's). */
  readonly fields: readonly RawField[];
  /** The class's own `@Model` options. */
  readonly options: ModelOptions | undefined;
  /** `tablePrefix` and `database` as inherited along the class chain (the class's own options first). */
  readonly tablePrefix: string | undefined;
  readonly database: string | undefined;
  /** The class extends `ReflectModel`. */
  readonly reflected: boolean;
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
  /** `@Model({ shared: true })`: stays in the default schema inside `withSchema()` (see `ModelOptions.shared`). */
  shared: boolean;
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
  /** The `constraints` option, checked against the fields (see constraints.ts). */
  constraints: ConstraintMeta[];
  comment?: string;
  /** Attname (`author_id`) → field, for values given by raw key. */
  attnames: Map<string, FieldMeta>;
  /** Column name → field, for hydration. */
  columnToField: Map<string, FieldMeta>;
  /** Lifecycle signals of this model. */
  signals: ModelSignals;
  /** Static custom managers by property name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- managers of this model, whatever their declared type
  managers: Map<string, Manager<any>>;
  /** @internal What the class declared; a registry copy rebuilds the model from it. */
  readonly declaration: ModelDeclaration;
  /**
   * @internal For a class `copy()` made, while its prototype has nothing of its own: the original's metadata.
   * The original's prototype (the copy's parent) carries an accessor for each of the original's relations,
   * so the copy inherits those and its own prototype is left untouched.
   */
  accessorsFrom: ModelMeta | undefined;
}

/**
 * A `ModelMeta` as the builder makes it: `columnToField` and `attnames` are indexes of `fields` built on
 * first read (both at once), kept here.
 * @internal
 */
export interface ModelMetaRecord extends ModelMeta {
  columnIndex: Map<string, FieldMeta> | undefined;
  attnameIndex: Map<string, FieldMeta> | undefined;
}

/**
 * Builds both field indexes of a meta from its fields, in field order (the first field wins a key, as the
 * automatic `id` does over a declared field on an `id` column).
 */
function buildIndexes(meta: ModelMetaRecord): void {
  const columns = new Map<string, FieldMeta>();
  const attnames = new Map<string, FieldMeta>();
  for (const field of meta.fields.values()) {
    if (!columns.has(field.column)) columns.set(field.column, field);
    if (!attnames.has(field.attname)) attnames.set(field.attname, field);
  }
  meta.columnIndex = columns;
  meta.attnameIndex = attnames;
}

/**
 * The prototype of every built `ModelMeta`. Building metadata and binding relations never read
 * `columnToField` or `attnames`, so they are made from `fields` on first read: most models of a large
 * registry (and of its copies) are never queried by raw key and never pay for the two maps. Assigning one
 * replaces it; `addField` keeps built indexes in step.
 * @internal
 */
export const MODEL_META_BASE: object = Object.freeze(
  Object.defineProperties({}, { columnToField: lazyIndex('columnIndex'), attnames: lazyIndex('attnameIndex') }),
);

/** A field index built on first use (both indexes at once) and replaceable by assignment. */
function lazyIndex(slot: 'columnIndex' | 'attnameIndex'): PropertyDescriptor {
  const built = (meta: ModelMetaRecord): ModelMetaRecord => {
    if (meta[slot] === undefined) buildIndexes(meta);
    return meta;
  };
  return {
    enumerable: true,
    get(this: ModelMetaRecord): Map<string, FieldMeta> {
      return built(this)[slot]!;
    },
    set(this: ModelMetaRecord, value: Map<string, FieldMeta>) {
      built(this)[slot] = value;
    },
  };
}

/** Whether the meta's field indexes are still to be built (a builder-made meta nobody read them from yet). */
export function indexesPending(meta: ModelMeta): boolean {
  return Object.getPrototypeOf(meta) === MODEL_META_BASE && (meta as ModelMetaRecord).columnIndex === undefined;
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

/*
 * Static properties of model classes, read without an inline cache. Every model class is its own hidden
 * class, so with thousands of them a `Model.meta` (or `.prototype`, `.name`) load site goes megamorphic,
 * misses V8's stub cache and takes a runtime lookup several times slower than `Reflect.get`'s plain one
 * (measured: ~200 ns against ~35 ns per `.meta` read with 7,500 classes, ~770 ns against ~45 ns for
 * `.prototype`). Registering, binding and copying read these once or more per model.
 */

/** `model.meta`. */
export const classMeta = (model: Function): ModelMeta => Reflect.get(model, 'meta') as ModelMeta;

/** The metadata of an instance's model (`instance.constructor.meta`). */
export const metaOf = (instance: object): ModelMeta => (instance.constructor as ModelClass).meta;

/** `model.prototype`. */
export const classPrototype = (model: Function): object => Reflect.get(model, 'prototype') as object;

/** `model.name`. */
export const className = (model: Function): string => Reflect.get(model, 'name') as string;

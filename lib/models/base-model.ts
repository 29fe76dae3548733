import 'reflect-metadata';
import { ModelDefinitionError, QueryError } from '../errors';
import { classFieldProblem } from '../metadata/compiler-checks';
import { BASE } from '../metadata/inheritance';
import type { ModelClass, ModelMeta } from '../metadata/types';
import { Manager } from '../query/manager';
import { insertInstance, saveExisting, updateInstance, deleteInstance, reloadInstance } from '../query/instance-writes';
import { InstanceState, PERSISTED, readAttribute, RELATED, writeAttribute } from './state';
import { instanceToJSON } from './to-json';
import type { ModelSignals } from './signals';

const DEFAULT_MANAGER = Symbol.for('keelson:default-manager');

/** The base class of every model: construction from values, `pk`, `save`, `update`, `delete`, `load`, `toJSON`. */
export abstract class BaseModel {
  static readonly [BASE] = true;

  /** Resolved metadata of the model (set by the registry when the class is declared). */
  declare static meta: ModelMeta;

  /**
   * The default manager. For a typed one in your editor, add `declare static query: Manager<User>;`
   * to the model class (it emits no code).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped unless the model declares `query: Manager<User>`
  static get query(): Manager<any> {
    const model = this as unknown as ModelClass & { [DEFAULT_MANAGER]?: Manager<BaseModel> };
    if (!Object.prototype.hasOwnProperty.call(model, DEFAULT_MANAGER)) {
      assertModel(model);
      Object.defineProperty(model, DEFAULT_MANAGER, { value: new Manager(model), enumerable: false });
    }
    return model[DEFAULT_MANAGER]!;
  }

  /** The model's lifecycle signals: `User.signals.preSave.connect(async (sender, user) => …)`. */
  static get signals(): ModelSignals {
    assertModel(this);
    return this.meta.signals;
  }

  constructor(values?: Record<string, unknown>) {
    // Class fields (useDefineForClassFields) would overwrite `values` once this returns: asked once per class.
    const problem = classFieldProblem(new.target);
    if (problem) throw problem;
    if (values) assignValues(this, values);
  }

  /** The primary key value. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a key of any type until models carry their key's type
  get pk(): any {
    const meta = (this.constructor as ModelClass).meta;
    return readAttribute(this, meta.fields.get(meta.pkName)!.attname);
  }

  set pk(value: unknown) {
    const meta = (this.constructor as ModelClass).meta;
    writeAttribute(this, meta.fields.get(meta.pkName)!.attname, value);
  }

  /** Inserts the instance when it has no row yet, otherwise updates every field. */
  async save(): Promise<this> {
    if ((this as InstanceState)[PERSISTED]) await saveExisting(this);
    else await insertInstance(this);
    return this;
  }

  /** Sets `values` and writes just those fields (fires preUpdate / postUpdate). */
  async update(values: Record<string, unknown>): Promise<this> {
    await updateInstance(this, values);
    return this;
  }

  /** Deletes the row (the database applies `onDelete` to rows that point at it). */
  async delete(): Promise<number> {
    return deleteInstance(this);
  }

  /** Reloads every field from the database. */
  async load(): Promise<this> {
    await reloadInstance(this);
    return this;
  }

  /**
   * A plain object of the field values (a foreign key as its key, or as a nested object once loaded);
   * prefetched relations as arrays; `secret` fields are left out at every level.
   */
  toJSON(): Record<string, unknown> {
    return instanceToJSON(this);
  }
}

Object.defineProperty(BaseModel.prototype, RELATED, { value: undefined, writable: true, enumerable: false });
Object.defineProperty(BaseModel.prototype, PERSISTED, { value: false, writable: true, enumerable: false });

/** Throws when a class is used as a model without having been declared with `@Model`. */
export function assertModel(model: Function): asserts model is ModelClass {
  const meta = (model as Partial<ModelClass>).meta;
  if (!meta || meta.model !== model) {
    throw new ModelDefinitionError(`${model.name} is not a registered model: decorate it with @Model().`);
  }
  if (meta.abstract) throw new ModelDefinitionError(`${model.name} is abstract: it has no table to query.`);
}

/** Assigns user values to an instance, through relation accessors; unknown names are refused. */
export function assignValues(instance: BaseModel, values: Record<string, unknown>): void {
  const meta = (instance.constructor as ModelClass).meta;
  for (const key of Object.keys(values)) {
    if (meta.fields.has(key) || meta.attnames.has(key)) {
      // Relation names go through their accessor (an instance or a key); attnames take the raw key.
      writeAttribute(instance, key, values[key]);
      continue;
    }
    if (key === 'pk') {
      instance.pk = values[key];
      continue;
    }
    throw new QueryError(`${meta.name} has no field "${key}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
  }
}

import type { Knex } from 'knex';
import { Database } from '../database/database';
import { ConfigurationError, DatabaseError, LookupError, ModelDefinitionError } from '../errors';
import { closestNames, orList } from './suggest';
import { maskUrl } from '../database/url';
import { buildModelMeta } from '../metadata/builder';
import type { BuiltModel } from '../metadata/builder';
import { MetaData } from '../metadata/metadata';
import type { ModelOptions } from '../metadata/raw';
import { tableDefinition } from '../metadata/table-definition';
import { classMeta, ownMap } from '../metadata/types';
import type { ModelClass, ModelMeta, RelationTarget } from '../metadata/types';
import { BaseModel } from '../models/base-model';
import { ModelSignals } from '../models/signals';
import { Manager } from '../query/manager';
import { forgetHydrators } from '../query/hydrator';
import { installForwardAccessor, installManyToManyAccessor } from '../relations/accessors';
import { bindForeignKey } from '../relations/foreign-key/bind';
import { bindManyToMany } from '../relations/many-to-many/bind';
import { ModelCallbacks, waiterName } from './callbacks';
import type { RelationBind } from './callbacks';
import { logger } from './logger';
import { Schema } from './schema';
import { copyModels } from './copy';
import { reflectPatternModels, reflectRegistry } from '../reflection/reflect';
import { attachContentType, contentTypeModelFor, wantsContentType } from '../contenttypes/setup';
import { mergeMigrationConfig } from '../migrations/config';
import type { MigrationConfig } from '../migrations/config';
import { Migrator } from '../migrations/migrator';
import { schemaNameProblem } from '../database/schema-name';

/** Options of `new Registry(database, options)`. */
export interface RegistryOptions {
  /** More databases, by alias. */
  extra?: Record<string, Database | string>;
  /** Default database schema of every table. */
  schema?: string;
  withContentType?: boolean | ModelClass;
  /** Where migration files live and which table records them (used by `keelson migrate` and `Migrator`). */
  migrations?: MigrationConfig;
  /**
   * Apply pending migrations once at the first `connect()`: `true` uses the `migrations` option, an object
   * is merged over it. Off by default.
   */
  automigrate?: boolean | MigrationConfig;
}

/** Options of `getModel`. */
export interface GetModelOptions {
  includeContentTypeAttr?: boolean;
  includeReflected?: boolean;
  includePattern?: boolean;
}

/** `record[key]` when it is the record's own entry (never `Object.prototype`'s `constructor` and the like). */
const ownEntry = <V>(record: Record<string, V>, key: string): V | undefined => (Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined);

/** The descriptor of a model class's `meta` (one object, its value set for each `defineProperty`). */
const META_PROPERTY: PropertyDescriptor = { value: undefined, configurable: true, writable: true, enumerable: false };

/**
 * Evaluates a relation thunk. Under CommonJS a class imported in a cycle is still `undefined`; under ESM
 * touching it throws a ReferenceError (temporal dead zone). Both mean "not yet".
 */
function callThunk(thunk: () => ModelClass | undefined): ModelClass | undefined {
  try {
    return thunk();
  } catch (error) {
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
}

/**
 * A model class: its prototype inherits from BaseModel's. A subclass of BaseModel passes on its class chain
 * alone, without reading its `prototype` (V8 sets a new class's prototype up on first read).
 */
const isModelClass = (v: unknown): v is ModelClass =>
  typeof v === 'function' && (Object.prototype.isPrototypeOf.call(BaseModel, v) || v.prototype instanceof BaseModel);

/**
 * Owns databases (a primary and named extras) and models: resolves string references through deferred
 * callbacks, synthesizes many-to-many through models, and builds one `MetaData` per database alias.
 */
export class Registry {
  /** The primary database (alias `'default'`). */
  readonly database: Database;
  /** Extra databases by alias. */
  readonly extra: Record<string, Database> = {};
  /** The `schema` option. */
  readonly dbSchema?: string;
  // Prototype-less, so a model name such as `constructor` or `__proto__` never meets Object.prototype.
  /** Declared models by name. */
  readonly models: Record<string, ModelClass> = Object.create(null);
  /** Reflected models by name. */
  readonly reflected: Record<string, ModelClass> = Object.create(null);
  /** Pattern (template) models by name. */
  readonly patternModels: Record<string, ModelClass> = Object.create(null);
  /** The content type model, when `withContentType` is set. */
  contentType?: ModelClass;
  /** @internal options as given, for `copy()`. */
  readonly options: RegistryOptions;

  private readonly callbacks = new ModelCallbacks();
  /** Classes of another registry that relations here resolve by name instead (set by `copy()`). */
  private readonly renames = new Map<Function, string>();
  /** Thunk targets whose class did not exist yet (a circular import still evaluating). */
  private readonly pendingThunks: { owner: ModelMeta; property: string; label?: string; thunk: () => ModelClass | undefined; bind: RelationBind }[] = [];
  private metadataCache?: Map<string, MetaData>;

  constructor(database: Database | string, options: RegistryOptions = {}) {
    this.database = typeof database === 'string' ? new Database(database) : database;
    if (!(this.database instanceof Database)) throw new ConfigurationError('new Registry(database): pass a Database or a URL string.');
    this.options = options;
    if (options.schema !== undefined) {
      const problem = schemaNameProblem(options.schema);
      if (problem) throw new ConfigurationError(`new Registry(…, { schema }): ${problem}.`);
    }
    this.dbSchema = options.schema;
    for (const [name, db] of Object.entries(options.extra ?? {})) {
      if (!this.extraNameCheck(name) || name === 'default') {
        throw new ConfigurationError(`Registry extra database name ${JSON.stringify(name)} is not allowed: use a non-empty string other than "default".`);
      }
      this.extra[name] = typeof db === 'string' ? new Database(db) : db;
    }
    if (options.withContentType) this.contentType = contentTypeModelFor(this, options.withContentType);
  }

  /** Checks one `extra` key; logs why it is unusable (whitespace around it is only a warning). */
  extraNameCheck(name: unknown): boolean {
    if (typeof name !== 'string') {
      logger.error(`Extra database name ${String(name)} is not a string.`);
      return false;
    }
    if (!name.trim()) {
      logger.error(`Extra database name "${name}" is empty.`);
      return false;
    }
    if (name.trim() !== name) logger.warn(`Extra database name "${name}" starts or ends with whitespace.`);
    return true;
  }

  /**
   * The schema tables of an alias live in: the registry's `schema` where the dialect has schemas (an SQLite
   * extra ignores it), else the one named in the database URL.
   */
  schemaFor(alias: string): string | undefined {
    const db = this.databaseFor(alias);
    return this.dbSchema && db.driver.supportsSchemas ? this.dbSchema : db.urlSchema;
  }

  /** The database of an alias (`'default'` is the primary). */
  databaseFor(alias: string): Database {
    if (alias === 'default') return this.database;
    const db = this.extra[alias];
    if (!db) throw new LookupError(`Registry has no database "${alias}" (aliases: default${Object.keys(this.extra).map((a) => `, ${a}`).join('')}).`);
    return db;
  }

  /**
   * Registers a model class (called by `@Model`): builds its metadata from the decorators, binds its relations
   * (now, or when their targets arrive), and runs the callbacks waiting for it.
   */
  register(model: ModelClass, extra: ModelOptions & { isThrough?: boolean } = {}): ModelMeta {
    // `isThrough` is not a model option: the builder reads the options it knows by name.
    const built = buildModelMeta(model, this, extra);
    built.meta.isThrough = extra.isThrough === true;
    return this.adopt(model, built);
  }

  /**
   * Registers `copy`, the class `copy()` made for `original` (a model of another registry): built from the
   * original's declaration, with copies of its signal receivers and of its custom managers.
   * @internal
   */
  registerCopy(copy: ModelClass, original: ModelMeta): ModelMeta {
    const built = buildModelMeta(copy, this, { name: original.name }, original.declaration);
    built.meta.signals = new ModelSignals(original.name, original.signals);
    built.meta.accessorsFrom = original;
    return this.adopt(copy, built, original);
  }

  /** Installs built metadata on its class, binds its relations and runs the callbacks waiting for it. */
  private adopt(model: ModelClass, { meta, relations }: BuiltModel, copyOf?: ModelMeta): ModelMeta {
    META_PROPERTY.value = meta;
    Object.defineProperty(model, 'meta', META_PROPERTY);
    META_PROPERTY.value = undefined;
    if (copyOf === undefined) this.bindManagers(meta);
    else if (copyOf.managers.size) this.bindCopiedManagers(meta, copyOf);
    for (const field of meta.fields.values()) if (field.relation) installForwardAccessor(meta, field);
    if (meta.manyToMany.size) for (const m2m of meta.manyToMany.values()) installManyToManyAccessor(meta, m2m);
    if (meta.abstract) return meta;
    const collection = meta.pattern ? this.patternModels : meta.reflect ? this.reflected : this.models;
    const existing = this.models[meta.name] ?? this.reflected[meta.name] ?? this.patternModels[meta.name];
    if (existing && existing !== model) {
      throw new ModelDefinitionError(`A model named ${meta.name} is already registered: rename one class, or pass @Model({ name }).`);
    }
    collection[meta.name] = model;
    this.invalidate();
    for (const relation of relations) {
      this.resolveTarget(meta, relation.property, relation.target, relation.kind === 'manyToMany' ? bindManyToMany : bindForeignKey);
    }
    if (wantsContentType(meta, this.contentType)) attachContentType(meta, this.contentType!);
    this.callbacks.run(meta.name, model);
    return meta;
  }

  /** A copy's managers: `copy()` defined one per manager of the original on the copied class. */
  private bindCopiedManagers(meta: ModelMeta, original: ModelMeta): void {
    for (const key of original.managers.keys()) {
      // What `bindManagers` would find: the enumerable own static managers.
      const descriptor = Object.getOwnPropertyDescriptor(meta.model, key);
      if (!descriptor?.enumerable || !(descriptor.value instanceof Manager)) continue;
      descriptor.value.model = meta.model;
      ownMap(meta, 'managers').set(key, descriptor.value);
    }
  }

  /** Static managers declared on the class (`static published = new PublishedManager()`) get bound to it. */
  private bindManagers(meta: ModelMeta): void {
    // Static class fields are enumerable own properties; `length`, `name` and `prototype` are not.
    for (const key of Object.keys(meta.model)) {
      const descriptor = Object.getOwnPropertyDescriptor(meta.model, key);
      const value = descriptor && 'value' in descriptor ? descriptor.value : undefined;
      if (value instanceof Manager) {
        value.model = meta.model;
        ownMap(meta, 'managers').set(key, value);
      }
    }
  }

  /**
   * Calls `bind(owner, property, target)` once the target of `owner.property` exists: now for a class or a
   * thunk that returns one, else when a model of that name registers (string) or at the next resolution
   * (thunk). `label` names the waiter in messages when it is not the property.
   * @internal
   */
  resolveTarget(owner: ModelMeta, property: string, target: RelationTarget, bind: RelationBind, label?: string): void {
    if (typeof target === 'string') {
      const found = this.models[target] ?? this.reflected[target];
      if (found) bind(owner, property, found);
      else this.callbacks.addRelation(target, owner, property, bind, label);
      return;
    }
    if (isModelClass(target)) {
      this.bindClass(owner, property, label, target, bind);
      return;
    }
    if (typeof target === 'function') {
      const thunk = target as () => ModelClass | undefined;
      const resolved = callThunk(thunk);
      if (resolved) this.bindClass(owner, property, label, resolved, bind);
      else this.pendingThunks.push({ owner, property, label, thunk, bind });
      return;
    }
    throw new ModelDefinitionError(`${waiterName(owner, property, label)}: a relation target must be a model name, a model class or a thunk (() => Model).`);
  }

  private bindClass(owner: ModelMeta, property: string, label: string | undefined, target: ModelClass, bind: RelationBind): void {
    const renamed = this.renames.get(target);
    if (renamed !== undefined) {
      // A relation copied from another registry: point it at this registry's model of that name.
      const found = this.models[renamed] ?? this.reflected[renamed];
      if (found) bind(owner, property, found);
      else this.callbacks.addRelation(renamed, owner, property, bind, label);
      return;
    }
    if (!isModelClass(target)) {
      throw new ModelDefinitionError(`${waiterName(owner, property, label)}: the relation target ${String((target as Function)?.name ?? target)} is not a model class.`);
    }
    const meta = Object.prototype.hasOwnProperty.call(target, 'meta') ? classMeta(target) : undefined;
    if (meta && !meta.abstract) {
      bind(owner, property, target);
      return;
    }
    if (meta?.abstract) throw new ModelDefinitionError(`${waiterName(owner, property, label)}: ${target.name} is abstract and has no table to point at.`);
    // Declared but its @Model has not run yet (decorators of a class run before the class is returned).
    this.callbacks.addRelation(target.name, owner, property, bind, label);
  }

  /**
   * Resolves thunk targets that can now be evaluated and throws `ModelDefinitionError` for any
   * reference still missing. Runs before metadata is built and before queries.
   */
  ensureResolved(): void {
    if (this.pendingThunks.length) {
      const pending = this.pendingThunks.splice(0);
      for (const p of pending) {
        const model = callThunk(p.thunk);
        if (model) this.bindClass(p.owner, p.property, p.label, model, p.bind);
        else this.pendingThunks.push(p);
      }
    }
    if (this.pendingThunks.length || this.callbacks.pendingRelations) {
      const missing = [
        ...this.callbacks.unresolved().map(([name, waiter]) => `${waiter} points at "${name}", which is not registered`),
        ...this.pendingThunks.map((p) => `${waiterName(p.owner, p.property, p.label)} has a thunk that still returns undefined`),
      ];
      throw new ModelDefinitionError(
        `Unresolved relations: ${missing.join('; ')}. Declare the missing model with @Model in this registry (and import its module), or fix the name.`,
      );
    }
  }

  /** @internal Relations to `original` (a class of another registry) resolve to this registry's `name`. */
  renameOnCopy(original: Function, name: string): void {
    this.renames.set(original, name);
  }

  /**
   * An isolated registry over the same `Database` objects with a copy of every model: new classes,
   * fields and managers copied, relations rebound to the copies, generated through models regenerated,
   * custom through models rebound. Changing the copy never touches this registry.
   */
  copy(): Registry {
    // The content type model is copied (or, when shared, reused) by copyModels, not declared anew.
    const copy = new Registry(this.database, { ...this.options, extra: { ...this.extra }, withContentType: false });
    // A copy of a copy: relations declared against the first registry's classes resolve by name here too.
    for (const [original, name] of this.renames) copy.renameOnCopy(original, name);
    copyModels(this, copy);
    return copy;
  }

  /** Runs `cb(model)` now if the model is registered, otherwise as soon as it is. */
  registerCallback(ref: string | ModelClass, cb: (model: ModelClass) => void, options: { oneTime?: boolean } = {}): void {
    const name = typeof ref === 'string' ? ref : ref.meta?.name ?? ref.name;
    const oneTime = options.oneTime === true;
    const model = this.models[name] ?? this.reflected[name];
    if (model) {
      cb(model);
      if (oneTime) return;
    }
    this.callbacks.add(name, cb, oneTime);
  }

  /** Runs the callbacks waiting on that model's name. */
  executeModelCallbacks(model: ModelClass): void {
    this.callbacks.run(model.meta?.name ?? model.name, model);
  }

  /** Declared first, then reflected, then (when asked) pattern models. */
  getModel<T extends BaseModel = any>(name: string, options: GetModelOptions = {}): ModelClass<T> {
    const { includeContentTypeAttr = true, includeReflected = true, includePattern = false } = options;
    const found =
      ownEntry(this.models, name) ??
      (includeReflected ? ownEntry(this.reflected, name) : undefined) ??
      (includePattern ? ownEntry(this.patternModels, name) : undefined) ??
      (includeContentTypeAttr && name === 'ContentType' ? this.contentType : undefined);
    if (!found) throw this.unknownModel(name, includeReflected, includePattern);
    return found as unknown as ModelClass<T>;
  }

  /** `getModel`'s error: the spec's sentence, then the closest names, or a hint when there are no models. */
  private unknownModel(name: string, includeReflected: boolean, includePattern: boolean): LookupError {
    const message = `Registry doesn't have a ${name} model.`;
    const collections = [this.models, this.reflected, this.patternModels];
    if (collections.every((c) => Object.keys(c).length === 0) && !this.contentType) {
      return new LookupError(`${message} It has no models: were the model files imported before getModel was called?`);
    }
    const names = [...Object.keys(this.models), ...(includeReflected ? Object.keys(this.reflected) : []), ...(includePattern ? Object.keys(this.patternModels) : [])];
    if (this.contentType) names.push(this.contentType.meta.name);
    const close = closestNames(String(name), names);
    return new LookupError(close.length ? `${message} Did you mean ${orList(close)}?` : message);
  }

  /** Removes a model from whichever collection holds it. */
  deleteModel(name: string): boolean {
    for (const collection of [this.models, this.reflected, this.patternModels]) {
      if (ownEntry(collection, name)) {
        delete collection[name];
        this.invalidate();
        return true;
      }
    }
    return false;
  }

  /** Forgets built metadata; the next access rebuilds it. */
  private invalidate(): void {
    this.metadataCache = undefined;
  }

  /** `MetaData` per alias (`'default'` and each extra), built from the current models on access. */
  get metadataByName(): Map<string, MetaData> {
    if (this.metadataCache) return this.metadataCache;
    this.ensureResolved();
    const byName = new Map<string, MetaData>();
    byName.set('default', new MetaData('default', this.database, this.schemaFor('default')));
    for (const alias of Object.keys(this.extra)) byName.set(alias, new MetaData(alias, this.extra[alias], this.schemaFor(alias)));
    for (const model of Object.values(this.models)) {
      const meta = classMeta(model);
      const md = byName.get(meta.database)!;
      md.tables.set(meta.tablename, tableDefinition(meta, md.schema));
    }
    this.metadataCache = byName;
    return byName;
  }

  /** The primary alias's `MetaData`. */
  get metadata(): MetaData {
    return this.metadataByName.get('default')!;
  }

  /** `MetaData` keyed by each database's URL; the primary wins when an extra shares its URL. */
  get metadataByUrl(): Map<string, MetaData> {
    const byUrl = new Map<string, MetaData>();
    for (const md of [...this.metadataByName.values()].reverse()) byUrl.set(md.database.url, md);
    return byUrl;
  }

  /** Creates the schema (if set) and every table of each alias, in dependency order, idempotently. */
  async createAll(options: { refreshMetadata?: boolean; databases?: string[] } = {}): Promise<void> {
    const { refreshMetadata = true, databases = ['default'] } = options;
    if (refreshMetadata) this.refreshMetadata();
    for (const alias of databases) await this.metadataFor(alias).createAll();
  }

  /** Drops every table of each alias if it exists, dependents first (and the schema with cascade where set). */
  async dropAll(options: { databases?: string[] } = {}): Promise<void> {
    for (const alias of options.databases ?? ['default']) await this.metadataFor(alias).dropAll();
  }

  /** The `MetaData` of an alias; an unknown alias throws `LookupError` naming the known ones. */
  private metadataFor(alias: string): MetaData {
    this.databaseFor(alias);
    return this.metadataByName.get(alias)!;
  }

  /** Table names of declared and reflected models. */
  getTablenames(): Set<string> {
    const names = new Set<string>();
    for (const m of [...Object.values(this.models), ...Object.values(this.reflected)]) names.add(m.meta.tablename);
    return names;
  }

  /** Warms every model's cached metadata (relations resolved, tables built). */
  initModels(): void {
    void this.metadataByName;
  }

  /** Clears cached table metadata and compiled hydrators of every model. */
  invalidateModels(): void {
    this.invalidate();
    for (const m of [...Object.values(this.models), ...Object.values(this.reflected)]) forgetHydrators(m.meta);
  }

  /** Rebuilds metadata from the current model definitions. */
  refreshMetadata(options: { updateOnly?: boolean } = {}): this {
    if (!options.updateOnly) this.invalidateModels();
    else this.invalidate();
    this.initModels();
    return this;
  }

  /** Every database: the primary first, then extras in declaration order. */
  private allDatabases(): [string, Database][] {
    return [['default', this.database], ...Object.entries(this.extra)];
  }

  /** The `Schema` helper (create, drop and list schemas), made on first access. */
  get schema(): Schema {
    return (this.schemaHelper ??= new Schema(this));
  }

  private schemaHelper?: Schema;
  /** True after a `connect()` whose hooks ran, until the next `disconnect()`. */
  private ready = false;
  /** Automigration runs at most once per registry, however often it connects. */
  private automigrated = false;
  /** The last queued lifecycle operation; a repeated call of the same kind shares it. */
  private pendingLifecycle?: { kind: 'connect' | 'disconnect'; promise: Promise<unknown> };
  /** Lifecycle operations run one after another, in call order. */
  private lifecycleTail: Promise<unknown> = Promise.resolve();

  /**
   * Queues a lifecycle operation behind the ones already queued. Calling `connect()` (or `disconnect()`)
   * while the last queued operation is of the same kind joins it instead of queueing another.
   */
  private enqueueLifecycle<T>(kind: 'connect' | 'disconnect', run: () => Promise<T>): Promise<T> {
    const pending = this.pendingLifecycle;
    if (pending?.kind === kind) return pending.promise as Promise<T>;
    const promise = this.lifecycleTail.then(run);
    const entry = { kind, promise };
    this.pendingLifecycle = entry;
    this.lifecycleTail = promise
      .catch(() => undefined)
      .then(() => {
        if (this.pendingLifecycle === entry) this.pendingLifecycle = undefined;
      });
    return promise;
  }

  /**
   * Connects every database in order (the primary, then extras in declaration order), then runs
   * automigration (once per registry, when configured) and reflects reflected and pattern models. If any
   * step fails, disconnects the databases this call connected, in reverse order, and rethrows. Idempotent
   * and safe to call concurrently.
   */
  connect(): Promise<this> {
    return this.enqueueLifecycle('connect', () => this.openAll());
  }

  private async openAll(): Promise<this> {
    const connected: Database[] = [];
    try {
      for (const [alias, db] of this.allDatabases()) {
        if (db.isConnected) continue;
        try {
          await db.connect();
        } catch (error) {
          throw this.connectError(alias, db, error);
        }
        connected.push(db);
      }
      if (!this.ready) {
        if (this.options.automigrate && !this.automigrated) {
          await this.runAutomigration();
          this.automigrated = true;
        }
        await this.reflectModels();
        this.ready = true;
      }
    } catch (error) {
      for (const db of connected.reverse()) {
        await db.disconnect().catch((cleanup: unknown) => logger.warn(`Disconnecting ${db.url} after a failed connect failed: ${String(cleanup)}`));
      }
      throw error;
    }
    return this;
  }

  /** A `DatabaseError` naming the alias and the masked URL, with the original error as `cause`. */
  private connectError(alias: string, db: Database, error: unknown): DatabaseError {
    const prefix = `Could not connect to ${db.url}: `;
    let reason = error instanceof Error ? error.message : String(error);
    if (reason.startsWith(prefix)) reason = reason.slice(prefix.length);
    const code = error instanceof DatabaseError ? error.code : db.driver.errorCode(error);
    return new DatabaseError(`Could not connect database "${alias}" (${db.url}): ${maskUrl(reason)}`, error, code);
  }

  /**
   * Applies pending migrations when `options.automigrate` is set (its config merged over `migrations`):
   * on every alias that has a migration folder, or on the aliases its `databases` names. `connect()` calls
   * this at most once per registry; a failure throws a `MigrationError` naming the alias and migration.
   */
  private async runAutomigration(): Promise<void> {
    const auto = this.options.automigrate;
    if (!auto) return;
    const config = mergeMigrationConfig(this.options.migrations, auto);
    const aliases = config.databases ?? this.allDatabases().map(([alias]) => alias);
    for (const alias of aliases) {
      const migrator = new Migrator(this, alias, config);
      if (!config.databases && !migrator.hasDirectory()) continue;
      await migrator.latest();
    }
  }

  /**
   * Reflects the reflected and pattern models from the connected databases: pattern models turn matching
   * live tables into reflected models, then every reflected model takes its columns from its live table.
   */
  private async reflectModels(): Promise<void> {
    if (!Object.keys(this.reflected).length && !Object.keys(this.patternModels).length) return;
    await reflectRegistry(this);
  }

  /**
   * Turns the live tables of one alias (`databaseName`, or the alias of `database`; default `'default'`)
   * that match the pattern models into reflected models, each table once per alias. Resolves to the
   * models made by this call. The database must be connected.
   */
  async reflectPatternModels(options: { databaseName?: string; database?: Database } = {}): Promise<ModelClass[]> {
    return reflectPatternModels(this, options);
  }

  /** Disconnects every database, in reverse order. Idempotent and safe to call concurrently. */
  disconnect(): Promise<void> {
    return this.enqueueLifecycle('disconnect', () => this.closeAll());
  }

  private async closeAll(): Promise<void> {
    this.ready = false;
    let failure: unknown;
    for (const [alias, db] of this.allDatabases().reverse()) {
      try {
        await db.disconnect();
      } catch (error) {
        failure ??= db.wrapError(error, `Could not disconnect database "${alias}" (${db.url})`);
      }
    }
    if (failure) throw failure;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  /** @internal the Knex handle of an alias (transaction-aware). */
  runner(alias = 'default'): Promise<Knex | Knex.Transaction> {
    return this.databaseFor(alias).runner();
  }
}


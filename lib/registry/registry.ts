import type { Knex } from 'knex';
import { Database } from '../database/database';
import { ConfigurationError, ModelDefinitionError } from '../errors';
import { buildModelMeta } from '../metadata/builder';
import type { BuiltModel } from '../metadata/builder';
import type { MetaData } from '../metadata/metadata';
import type { ModelOptions } from '../metadata/raw';
import { scopeMethods, type ScopeMethods } from './scopes';
import { adminMethods, type AdminMethods } from './admin-method';
import { checkRouter, type Router } from './router';
import type { IntegrityViolation } from '../dialects/integrity';
import type { IntegrityDetails } from '../errors';
import { describeViolation } from './integrity';
import type { ModelClass, ModelMeta, RelationTarget } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { ModelSignals } from '../models/signals';
import { forgetHydrators } from '../query/hydrator';
import { installForwardAccessor, installManyToManyAccessor } from '../relations/accessors';
import { bindForeignKey } from '../relations/foreign-key/bind';
import { bindManyToMany } from '../relations/many-to-many/bind';
import { schemaNameProblem } from '../database/schema-name';
import { extraDatabases, extraNameCheck, unknownAlias } from './aliases';
import { ModelCallbacks } from './callbacks';
import type { RelationBind } from './callbacks';
import { copyModels } from './copy';
import { adoptHooks, connectHooks, constructHooks, requirePatternReflector } from './features';
import { Lifecycle } from './lifecycle';
import { ownEntry, unknownModel } from './lookup';
import { bindCopiedManagers, bindManagers } from './managers';
import { buildMetadataByName, metadataByUrl } from './metadata-cache';
import { RelationResolver } from './resolution';
import { Schema } from './schema';
import { urlDatabaseOptions, type GetModelOptions, type RegistryOptions } from './options';
// Automigration, reflection and content types register themselves with `./features` when loaded; loading
// them here gives every entry point that can make a registry the full feature set.
import './default-features';

export type { RegistryOptions, GetModelOptions } from './options';

/** The descriptor of a model class's `meta` (one object, its value set for each `defineProperty`). */
const META_PROPERTY: PropertyDescriptor = { value: undefined, configurable: true, writable: true, enumerable: false };

/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging -- Registry merges ScopeMethods (scopes.ts) and AdminMethods (admin-method.ts), for this file's size, assigned at the end */
/**
 * Owns databases (a primary and named extras) and models: resolves string references through deferred
 * callbacks, synthesizes many-to-many through models, and builds one `MetaData` per database alias.
 * Features (automigration, reflection, content types) plug in through `./features`.
 */
export class Registry {
  /** The primary database (alias `'default'`). */
  readonly database: Database;
  /** Extra databases by alias. */
  readonly extra: Record<string, Database>;
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
  /** Where models' queries go when `using()` names no alias (`RegistryOptions.router`). */
  readonly router?: Router;
  /** @internal options as given, for `copy()`. */
  readonly options: RegistryOptions;

  private readonly callbacks = new ModelCallbacks();
  private readonly resolver = new RelationResolver(this.callbacks, (name) => this.models[name] ?? this.reflected[name]);
  private readonly lifecycle = new Lifecycle(
    () => this.allDatabases(),
    () => this.runConnectSteps(),
  );
  /** Automigration runs at most once per registry, however often it connects. */
  private automigrated = false;
  private metadataCache?: Map<string, MetaData>;
  private schemaHelper?: Schema;

  constructor(database: Database | string, options: RegistryOptions = {}) {
    this.database = typeof database === 'string' ? new Database(database, { ...urlDatabaseOptions(options), driver: options.driver }) : database;
    if (!(this.database instanceof Database)) throw new ConfigurationError('new Registry(database): pass a Database or a URL string.');
    this.options = options;
    if (options.schema !== undefined) {
      const problem = schemaNameProblem(options.schema);
      if (problem) throw new ConfigurationError(`new Registry(…, { schema }): ${problem}.`);
    }
    this.dbSchema = options.schema;
    this.router = checkRouter(options.router);
    this.extra = extraDatabases(options.extra, (name) => this.extraNameCheck(name), urlDatabaseOptions(options));
    for (const db of [this.database, ...Object.values(this.extra)]) db.addViolationDescriber(this);
    for (const [alias, db] of this.allDatabases()) db.logQueriesAs(alias, options.onQuery);
    constructHooks(this);
  }

  /** @internal The model, constraint and fields a unique or foreign-key violation on `database` names. */
  describeViolation(database: Database, violation: IntegrityViolation): IntegrityDetails | undefined {
    return describeViolation(this, database, violation);
  }

  /** Rows of hand-written SQL (`?` placeholders bound) on an alias, in its ambient transaction. */
  async raw(sql: string, bindings?: readonly unknown[], options: { using?: string } = {}): Promise<Record<string, unknown>[]> {
    return this.databaseFor(options.using ?? 'default').raw(sql, bindings);
  }

  /** Checks one `extra` key; logs why it is unusable (whitespace around it is only a warning). */
  extraNameCheck(name: unknown): boolean {
    return extraNameCheck(name);
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
    if (!this.hasAlias(alias)) throw unknownAlias(alias, this.extra);
    return alias === 'default' ? this.database : this.extra[alias];
  }

  /** Whether `alias` names one of the registry's databases (`'default'` or an extra). */
  hasAlias(alias: string): boolean {
    return alias === 'default' || Object.hasOwn(this.extra, alias);
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
    if (copyOf === undefined) bindManagers(meta);
    else if (copyOf.managers.size) bindCopiedManagers(meta, copyOf);
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
    adoptHooks(this, meta);
    this.callbacks.run(meta.name, model);
    return meta;
  }

  /**
   * Calls `bind(owner, property, target)` once the target of `owner.property` exists: now for a class or a
   * thunk that returns one, else when a model of that name registers (string) or at the next resolution
   * (thunk). `label` names the waiter in messages when it is not the property.
   * @internal
   */
  resolveTarget(owner: ModelMeta, property: string, target: RelationTarget, bind: RelationBind, label?: string): void {
    this.resolver.resolveTarget(owner, property, target, bind, label);
  }

  /**
   * Resolves thunk targets that can now be evaluated and throws `ModelDefinitionError` for any
   * reference still missing. Runs before metadata is built and before queries.
   */
  ensureResolved(): void {
    this.resolver.ensureResolved();
  }

  /** @internal Relations to `original` (a class of another registry) resolve to this registry's `name`. */
  renameOnCopy(original: Function, name: string): void {
    this.resolver.renames.set(original, name);
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
    for (const [original, name] of this.resolver.renames) copy.renameOnCopy(original, name);
    copyModels(this, copy);
    return copy;
  }

  /** Runs `cb(model)` now if the model is registered, otherwise as soon as it is. */
  registerCallback(ref: string | ModelClass, cb: (model: ModelClass) => void, options: { oneTime?: boolean } = {}): void {
    const name = typeof ref === 'string' ? ref : (ref.meta?.name ?? ref.name);
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped unless called as getModel<User>('User')
  getModel<T extends BaseModel = any>(name: string, options: GetModelOptions = {}): ModelClass<T> {
    const { includeContentTypeAttr = true, includeReflected = true, includePattern = false } = options;
    const found =
      ownEntry(this.models, name) ??
      (includeReflected ? ownEntry(this.reflected, name) : undefined) ??
      (includePattern ? ownEntry(this.patternModels, name) : undefined) ??
      (includeContentTypeAttr && name === 'ContentType' ? this.contentType : undefined);
    if (!found) throw unknownModel(this, name, includeReflected, includePattern);
    return found as unknown as ModelClass<T>;
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
    const byName = buildMetadataByName(this);
    this.metadataCache = byName;
    return byName;
  }

  /** The primary alias's `MetaData`. */
  get metadata(): MetaData {
    return this.metadataByName.get('default')!;
  }

  /** `MetaData` keyed by each database's URL; the primary wins when an extra shares its URL. */
  get metadataByUrl(): Map<string, MetaData> {
    return metadataByUrl(this.metadataByName);
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

  /**
   * Connects every database in order (the primary, then extras in declaration order), then runs
   * automigration (once per registry, when configured) and reflects reflected and pattern models. If any
   * step fails, disconnects the databases this call connected, in reverse order, and rethrows. Idempotent
   * and safe to call concurrently.
   */
  connect(): Promise<this> {
    return this.lifecycle.enqueue('connect', async () => {
      await this.lifecycle.open();
      return this;
    });
  }

  /** The steps after the databases connect, in the spec's order; `Lifecycle` runs them once per connection. */
  private async runConnectSteps(): Promise<void> {
    if (this.options.automigrate && !this.automigrated) {
      await this.runAutomigration();
      this.automigrated = true;
    }
    await this.reflectModels();
  }

  /** Applies pending migrations: the `automigrate` connect hooks (`lib/migrations/automigrate.ts`). */
  private runAutomigration(): Promise<void> {
    return connectHooks(this, 'automigrate');
  }

  /** Reflects reflected and pattern models: the `reflect` connect hooks (`lib/reflection/feature.ts`). */
  private reflectModels(): Promise<void> {
    return connectHooks(this, 'reflect');
  }

  /**
   * Turns the live tables of one alias (`databaseName`, or the alias of `database`; default `'default'`)
   * that match the pattern models into reflected models, each table once per alias. Resolves to the
   * models made by this call. The database must be connected.
   */
  async reflectPatternModels(options: { databaseName?: string; database?: Database } = {}): Promise<ModelClass[]> {
    return requirePatternReflector()(this, options);
  }

  /** Disconnects every database, in reverse order. Idempotent and safe to call concurrently. */
  disconnect(): Promise<void> {
    return this.lifecycle.enqueue('disconnect', () => this.lifecycle.close());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }

  /** @internal the Knex handle of an alias (transaction-aware). */
  runner(alias = 'default'): Promise<Knex | Knex.Transaction> {
    return this.databaseFor(alias).runner();
  }
}

export interface Registry extends ScopeMethods, AdminMethods {}
Object.assign(Registry.prototype, scopeMethods, adminMethods);

import { classPrototype, metaOf } from '../metadata/types';
import type { FieldMeta, ManyToManyMeta, ModelMeta, ReverseMeta } from '../metadata/types';
import { blankInstance, InstanceState, LOCATION, PERSISTED, PREFETCHED, relatedCache, STUB } from '../models/state';
import { RelatedManager } from './foreign-key/related-manager';
import { ManyRelation } from './many-to-many/many-relation';
import { checkRelationAllowed, locate, relatedLocation } from './location';

/*
 * Accessors read their relation from the instance's own model metadata at access time, so one descriptor
 * per property name serves every model (and every copy of it): declaring thousands of models, or copying
 * a registry, allocates no closures per relation.
 */

/** One shared descriptor per property name and relation kind. */
function shared(cache: Map<string, PropertyDescriptor>, name: string, make: (name: string) => PropertyDescriptor): PropertyDescriptor {
  let descriptor = cache.get(name);
  if (!descriptor) cache.set(name, (descriptor = { configurable: true, enumerable: false, ...make(name) }));
  return descriptor;
}

/**
 * Defines the shared accessor on the model's prototype unless the nearest definition of `name` up its chain
 * already is that accessor: a copied model's class extends the original, whose prototype carries the same
 * shared descriptors, so a copy (or a subclass) inherits them instead of defining them again.
 */
function install(meta: ModelMeta, name: string, descriptor: PropertyDescriptor): void {
  const original = meta.accessorsFrom;
  if (original !== undefined) {
    // A class copy() made, whose prototype has nothing of its own yet: look at the original's (its parent's)
    // instead. Reading the copy's `prototype` would make V8 set the new prototype up now, not at first use.
    if (name !== 'constructor' && lookupGetter.call(classPrototype(original.model), name) === descriptor.get) return;
    meta.accessorsFrom = undefined;
  }
  const proto = classPrototype(meta.model);
  // `__lookupGetter__` reads the getter of the nearest `name` up the chain (undefined for a data property)
  // without allocating a descriptor. The getters are this module's own, one per shared descriptor.
  if (lookupGetter.call(proto, name) === descriptor.get) return;
  Object.defineProperty(proto, name, descriptor);
}

const lookupGetter = (Object.prototype as unknown as { __lookupGetter__(name: string): unknown }).__lookupGetter__;

const forward = new Map<string, PropertyDescriptor>();
const manyToMany = new Map<string, PropertyDescriptor>();
const reverse = new Map<string, PropertyDescriptor>();

function forwardDescriptor(name: string): PropertyDescriptor {
  return {
    get(this: Record<string, unknown>) {
      const field = metaOf(this).fields.get(name)!;
      const id = this[field.attname];
      if (id === undefined || id === null) return id === null ? null : (relatedCache(this)[name] ?? undefined);
      const cache = relatedCache(this);
      const cached = cache[name] as { pk?: unknown } | undefined;
      if (cached && cached.pk === id) return cached;
      const target = field.relation!.target!;
      const stub = blankInstance<Record<string | symbol, unknown>>(target.prototype);
      stub[target.meta.fields.get(target.meta.pkName)!.attname] = id;
      stub[PERSISTED] = true;
      // Not loaded: toJSON() gives its key, not an object with the key alone.
      stub[STUB] = true;
      // load() and writes on the stub go where this instance lives.
      const location = relatedLocation(this, target.meta);
      if (location) stub[LOCATION] = location;
      cache[name] = stub;
      return stub;
    },
    set(this: Record<string, unknown>, value: unknown) {
      const { attname } = metaOf(this).fields.get(name)!;
      const cache = relatedCache(this);
      if (value !== null && typeof value === 'object' && 'pk' in (value as object)) {
        checkRelationAllowed(this, value);
        cache[name] = value;
        this[attname] = (value as { pk: unknown }).pk;
      } else {
        delete cache[name];
        this[attname] = value;
      }
    },
  };
}

/**
 * `post.author`: the related instance (only its key loaded until `load()` or `selectRelated`);
 * assigning an instance or a key value updates `post.author_id`.
 */
export function installForwardAccessor(meta: ModelMeta, field: FieldMeta): void {
  if (field.name !== 'constructor' && meta.accessorsFrom?.fields.get(field.name)?.relation) return;
  install(meta, field.name, shared(forward, field.name, forwardDescriptor));
}

/** `post.tags`: a many-to-many manager bound to the instance. */
export function installManyToManyAccessor(meta: ModelMeta, m2m: ManyToManyMeta): void {
  if (m2m.name !== 'constructor' && meta.accessorsFrom?.manyToMany.has(m2m.name)) return;
  install(meta, m2m.name, shared(manyToMany, m2m.name, manyToManyDescriptor));
}

function manyToManyDescriptor(name: string): PropertyDescriptor {
  return {
    get(this: object) {
      const own = metaOf(this);
      return (relatedCache(this)[name] ??= new ManyRelation(this as never, own, own.manyToMany.get(name)!));
    },
  };
}

/** `user.posts_set` (a manager) or, for a one-to-one, `profile.user` (a promise of the instance or null). */
export function installReverseAccessor(target: ModelMeta, relation: ReverseMeta): void {
  if (relation.name !== 'constructor' && target.accessorsFrom?.reverse.has(relation.name)) return;
  install(target, relation.name, shared(reverse, relation.name, reverseDescriptor));
}

function reverseDescriptor(name: string): PropertyDescriptor {
  return {
    get(this: object) {
      const meta = metaOf(this);
      const rel = meta.reverse.get(name)!;
      if (rel.kind === 'manyToMany') return (relatedCache(this)[name] ??= ManyRelation.reverse(this as never, rel));
      if (rel.kind === 'oneToOne') {
        const prefetched = (this as InstanceState)[PREFETCHED];
        if (prefetched && name in prefetched) return Promise.resolve(prefetched[name]);
        return locate(rel.owner.query.getQuerySet(), relatedLocation(this, rel.owner.meta))
          .filter({ [rel.field]: this })
          .fetch()
          .then((rows) => rows[0] ?? null);
      }
      return (relatedCache(this)[name] ??= new RelatedManager(this as never, rel));
    },
  };
}

import type { FieldMeta, ManyToManyMeta, ModelMeta, ReverseMeta } from '../metadata/types';
import { InstanceState, PERSISTED, PREFETCHED, relatedCache } from '../models/state';
import { RelatedManager } from './foreign-key/related-manager';
import { ManyRelation } from './many-to-many/many-relation';

/**
 * `post.author`: the related instance (only its key loaded until `load()` or `selectRelated`);
 * assigning an instance or a key value updates `post.author_id`.
 */
export function installForwardAccessor(meta: ModelMeta, field: FieldMeta): void {
  const { name, attname } = field;
  Object.defineProperty(meta.model.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: Record<string, unknown>) {
      const id = this[attname];
      if (id === undefined || id === null) return id === null ? null : (relatedCache(this)[name] ?? undefined);
      const cache = relatedCache(this);
      const cached = cache[name] as { pk?: unknown } | undefined;
      if (cached && cached.pk === id) return cached;
      const target = field.relation!.target!;
      const stub = Object.create(target.prototype);
      stub[target.meta.fields.get(target.meta.pkName)!.attname] = id;
      stub[PERSISTED] = true;
      cache[name] = stub;
      return stub;
    },
    set(this: Record<string, unknown>, value: unknown) {
      const cache = relatedCache(this);
      if (value !== null && typeof value === 'object' && 'pk' in (value as object)) {
        cache[name] = value;
        this[attname] = (value as { pk: unknown }).pk;
      } else {
        delete cache[name];
        this[attname] = value;
      }
    },
  });
}

/** `post.tags`: a many-to-many manager bound to the instance. */
export function installManyToManyAccessor(meta: ModelMeta, m2m: ManyToManyMeta): void {
  Object.defineProperty(meta.model.prototype, m2m.name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      const cache = relatedCache(this);
      return (cache[m2m.name] ??= new ManyRelation(this as never, meta, m2m));
    },
  });
}

/** `user.posts_set` (a manager) or, for a one-to-one, `profile.user` (a promise of the instance or null). */
export function installReverseAccessor(target: ModelMeta, reverse: ReverseMeta): void {
  Object.defineProperty(target.model.prototype, reverse.name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      if (reverse.kind === 'manyToMany') {
        const cache = relatedCache(this);
        return (cache[reverse.name] ??= ManyRelation.reverse(this as never, reverse));
      }
      if (reverse.kind === 'oneToOne') {
        const prefetched = (this as InstanceState)[PREFETCHED];
        if (prefetched && reverse.name in prefetched) return Promise.resolve(prefetched[reverse.name]);
        return reverse.owner.query.filter({ [reverse.field]: this }).fetch().then((rows) => rows[0] ?? null);
      }
      const cache = relatedCache(this);
      return (cache[reverse.name] ??= new RelatedManager(this as never, reverse));
    },
  });
}

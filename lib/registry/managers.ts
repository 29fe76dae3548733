import { ownMap } from '../metadata/types';
import type { ModelMeta } from '../metadata/types';
import { Manager } from '../query/manager';

/** Static managers declared on the class (`static published = new PublishedManager()`) get bound to it. */
export function bindManagers(meta: ModelMeta): void {
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

/** A copy's managers: `copy()` defined one per manager of the original on the copied class. */
export function bindCopiedManagers(meta: ModelMeta, original: ModelMeta): void {
  for (const key of original.managers.keys()) {
    // What `bindManagers` would find: the enumerable own static managers.
    const descriptor = Object.getOwnPropertyDescriptor(meta.model, key);
    if (!descriptor?.enumerable || !(descriptor.value instanceof Manager)) continue;
    descriptor.value.model = meta.model;
    ownMap(meta, 'managers').set(key, descriptor.value);
  }
}

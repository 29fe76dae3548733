import type { BaseModel } from '../models/base-model';
import type { ModelClass } from '../metadata/types';
import { QuerySet } from './queryset';
import type { Lookups, Q } from './q';

/**
 * Entry point of queries on a model (`User.query`). Subclass it and override `getQuerySet()` for a custom
 * manager, declared as a static property: `static published = new PublishedManager()`.
 */
export class Manager<T extends BaseModel> {
  /** The model this manager queries; bound by the registry when the model is declared. */
  model?: ModelClass<T>;

  constructor(model?: ModelClass<T>) {
    this.model = model;
  }

  /** The queryset every method starts from. */
  getQuerySet(): QuerySet<T> {
    if (!this.model) throw new Error('This manager is not bound to a model: declare it as a static property of a @Model class.');
    return QuerySet.of<T>(this.model.meta);
  }

  all(): QuerySet<T> {
    return this.getQuerySet();
  }

  filter(...clauses: (Lookups | Q)[]): QuerySet<T> {
    return this.getQuerySet().filter(...clauses);
  }

  exclude(...clauses: (Lookups | Q)[]): QuerySet<T> {
    return this.getQuerySet().exclude(...clauses);
  }

  orderBy(...keys: string[]): QuerySet<T> {
    return this.getQuerySet().orderBy(...keys);
  }

  count(): Promise<number> {
    return this.getQuerySet().count();
  }

  create(values?: Record<string, unknown>): Promise<T> {
    return this.getQuerySet().create(values);
  }
}

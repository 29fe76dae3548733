import type { BaseModel } from '../models/base-model';
import type { ModelClass } from '../metadata/types';
import { ConfigurationError } from '../errors';

/** What a router is told besides the model: the instance being written or read again, when there is one. */
export interface RouterHints {
  instance?: BaseModel;
}

/**
 * Django's database routers: which database alias a model's queries go to when `using()` names none. A method
 * that is missing, or returns undefined, leaves the model on its own alias (`@Model({ database })`).
 */
export interface Router {
  /** The alias reads of `model` go to. */
  dbForRead?(model: ModelClass, hints: RouterHints): string | undefined;
  /** The alias writes of `model` go to. */
  dbForWrite?(model: ModelClass, hints: RouterHints): string | undefined;
  /** Whether `a` and `b`, stored on different aliases, may be related (a foreign key, a many-to-many link); undefined: no opinion. */
  allowRelation?(a: BaseModel, b: BaseModel): boolean | undefined;
}

/** Checks the `router` option's shape at `new Registry()`, so a typo fails at start-up, not at the first query. */
export function checkRouter(router: unknown): Router | undefined {
  if (router === undefined) return undefined;
  if (typeof router !== 'object' || router === null)
    throw new ConfigurationError('new Registry(…, { router }): router must be an object with dbForRead / dbForWrite / allowRelation methods.');
  for (const name of ['dbForRead', 'dbForWrite', 'allowRelation'] as const) {
    const method = (router as Record<string, unknown>)[name];
    if (method !== undefined && typeof method !== 'function')
      throw new ConfigurationError(`new Registry(…, { router }): router.${name} must be a function, got ${typeof method}.`);
  }
  return router as Router;
}

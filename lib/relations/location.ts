import type { ModelClass, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION, Location } from '../models/state';
import type { QuerySet } from '../query/queryset';
import { QueryError } from '../errors';

/*
 * An instance read with `using()` or `usingSchema()` lives somewhere other than its model's default place.
 * Every path that starts from it (accessors, related and many-to-many managers, stubs that load) goes
 * there too, or a tenant's instance would read and write another tenant's rows.
 */

/**
 * Where the rows of `related` that belong with `instance` live: the instance's own location when both
 * models share a database; otherwise (a relation into another database) the related model's default.
 */
export function relatedLocation(instance: object, related: ModelMeta): Location | undefined {
  const location = (instance as InstanceState)[LOCATION];
  if (!location) return undefined;
  return (instance.constructor as ModelClass).meta.database === related.database ? location : undefined;
}

/** `qs` moved to `location`; unchanged when there is none. */
export function locate<T extends BaseModel>(qs: QuerySet<T>, location: Location | undefined): QuerySet<T> {
  if (!location) return qs;
  const moved = qs.using(location.alias);
  return location.schema ? moved.usingSchema(location.schema) : moved;
}

/** The alias an instance is stored on: where it was read from or written to, else its model's own. */
function aliasOf(instance: object): string {
  return (instance as InstanceState)[LOCATION]?.alias ?? (instance.constructor as ModelClass).meta.database;
}

/**
 * Relating two instances stored on different aliases (a foreign key set, a many-to-many link): refused when
 * the registry's router says `allowRelation(a, b) === false`; allowed otherwise, as keelson's relations may
 * cross databases.
 */
export function checkRelationAllowed(a: object, b: object): void {
  const [from, to] = [aliasOf(a), aliasOf(b)];
  if (from === to) return;
  const router = (a.constructor as ModelClass).meta.registry.router;
  if (router?.allowRelation?.call(router, a as BaseModel, b as BaseModel) !== false) return;
  const name = (x: object) => (x.constructor as ModelClass).meta.name;
  throw new QueryError(`The registry's router does not allow relating ${name(a)} on "${from}" to ${name(b)} on "${to}" (router.allowRelation returned false).`);
}

import type { Knex } from 'knex';
import type { Database } from '../../database/database';
import { keyStep, rootKey } from '../../database/statement-key';
import { andThen, type Maybe } from '../../maybe';
import type { BaseModel } from '../../models/base-model';
import { QueryCompiler } from '../compiler';
import { readsOn, tableSchema } from '../executor';
import { instancesOf, type RowColumns } from '../instances';
import { bindable } from '../lookups';
import { stateAlias } from '../routing';
import { whereWith, withState, type QuerySetState } from '../state';
import { modelId, runShape, type Built, type Ran } from './cached';
import type { ShapeKey } from './where-shape';

/**
 * Whether `state` reads every row of its model as it is, with nothing added: no filter, order, page, join,
 * prefetch, column choice, lock or computed value (`Model.query`, `using()`, `usingSchema()` still plain).
 */
function plain(state: QuerySetState): boolean {
  return (
    state.where.length === 0 &&
    state.order.length === 0 &&
    state.limit === undefined &&
    state.offset === undefined &&
    !state.distinct &&
    state.selectRelated.length === 0 &&
    state.prefetchRelated.length === 0 &&
    state.only === undefined &&
    state.defer === undefined &&
    state.lock === undefined &&
    state.annotations === undefined &&
    state.groupBy === undefined &&
    state.combined === undefined
  );
}

/** What a `get` statement is built from on a miss: the plain state and the one lookup. */
interface GetContext {
  state: QuerySetState;
  key: string;
  value: unknown;
}

/**
 * `get({ pk: value })` on a plain queryset (see `plain`), read through the statement cache under a key of its
 * own (`get`, the model, the lookup's key, the schema) instead of the SELECT shape walked clause by clause:
 * the most frequent read of a service, and one whose shape only the key's name can vary. Undefined when the
 * fast way does not apply (another state, a router sending the read elsewhere, a replica in play, no cache,
 * a statement that could not be cached): `get()` then takes the general way, which gives the same rows.
 */
export function getByKeyNow<T extends BaseModel>(state: QuerySetState, key: string, value: unknown): Maybe<T[] | undefined> | undefined {
  // The router's answer must be the state's own alias: the instances remember the alias they came from.
  if (!plain(state) || stateAlias(state, 'read') !== state.alias) return undefined;
  const db = readsOn(state);
  if (db === undefined || !db.statements.capacity) return undefined;
  const { meta } = state;
  const shape: ShapeKey = {
    key: keyStep(keyStep(keyStep(rootKey(), 'get'), modelId(meta)), key),
    // `byKey` found the key to be the model's one primary-key field: no second resolution of the key.
    bindings: [bindable(meta.fields.get(meta.pkName)!, db.driver, value, key)],
    schema: tableSchema(meta, state.schema, state.alias) ?? '',
  };
  const context: GetContext = { state, key, value };
  return andThen(runShape(db, shape, 'firstArray', buildGet, context), instancesRead<T>, state, db);
}

/** The instances of the row read, or undefined when the statement could not be cached. */
function instancesRead<T extends BaseModel>(ran: Ran<RowColumns> | undefined, state: QuerySetState, db: Database): T[] | undefined {
  return ran && instancesOf<T>(ran.result as unknown[][], state, db.driver, ran.extra!);
}

/** The SELECT of `get()` as the general way compiles it: the lookup, and a limit of two. */
function buildGet(runner: Knex | Knex.Transaction, { state, key, value }: GetContext, db: Database): Built<RowColumns> {
  const where = whereWith(state.where, { negated: false, clauses: [{ [key]: value }] });
  const { query, fields, selected } = new QueryCompiler(withState(state, { where, limit: 2 }), db.driver).select(runner);
  return { query, extra: { fields, selected } };
}

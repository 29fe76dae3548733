import { QueryError } from '../errors';
import type { FieldMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { blankInstance, writeAttribute } from '../models/state';
import { validateInstanceNow } from '../validation';
import { andThen, settle, type Maybe } from '../maybe';
import { databaseOf, execute, writing } from './executor';
import { stateAlias } from './routing';
import { updateCached } from './shapes/write-shape';
import { splitUpdateValues, updateAssignments, type UpdateExpressions } from './expressions/update-values';
import type { Database } from '../database/database';
import type { QuerySet } from './queryset';
import { rowOf } from './row';
import { withAutoNow } from './auto-values';

/**
 * `QuerySet.update()`: sets `values` on every matching row (validated first) in one statement; a value that
 * is an expression (`F('views').plus(1)`) is computed by the database from each row's own columns. Sends
 * preUpdate before and postUpdate after, once each, as `(Model, null, { queryset, values })`.
 */
export function updateRows<T extends BaseModel>(queryset: QuerySet<T>, given: Record<string, unknown>): Promise<number> {
  return settle(updateNow<T>, queryset, given);
}

/** `updateRows()`, answered now when nothing on the way needs a promise (no receivers, no async validators, a synchronous driver). */
function updateNow<T extends BaseModel>(queryset: QuerySet<T>, given: Record<string, unknown>): Maybe<number> {
  const { meta } = queryset.state;
  const alias = stateAlias(queryset.state, 'write');
  writing(meta, alias);
  // Compiled for the alias it runs on (its schema), and pinned there for the receivers.
  if (alias !== queryset.state.alias) queryset = queryset.using(alias);
  // `autoNow` fields the values do not name are set to now (receivers see them among the values).
  const values = withAutoNow(meta, given);
  const { signals } = meta;
  const keys = Object.keys(values);
  // Sized once (an array grown by push starts at 17 slots): most updates set one or two fields.
  const fields = new Array<FieldMeta>(keys.length);
  let count = 0;
  for (const key of keys) {
    const field = meta.fields.get(key) ?? meta.attnames.get(key);
    if (!field) throw new QueryError(`update(): ${meta.name} has no field "${key}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
    if (field.primaryKey) throw new QueryError(`update(): ${meta.name}.${field.name} is the primary key.`);
    // `undefined` means "not given" (as in a partial DTO), never NULL: pass null to clear a field.
    if (values[key] !== undefined) fields[count++] = field;
  }
  if (count === 0) return 0;
  if (count < fields.length) fields.length = count;
  const counted = signals.preUpdate.hasReceivers
    ? signals.preUpdate.send(meta.model, null, { queryset, values }).then(() => writeUpdate(queryset, values, fields, alias))
    : writeUpdate(queryset, values, fields, alias);
  if (!signals.postUpdate.hasReceivers) return counted;
  return andThen(counted, async (count) => {
    await signals.postUpdate.send(meta.model, null, { queryset, values, count });
    return count;
  });
}

/** The UPDATE itself, after preUpdate: validated, through the statement cache when its shape is plain, else through Knex. */
function writeUpdate<T extends BaseModel>(queryset: QuerySet<T>, values: Record<string, unknown>, fields: FieldMeta[], alias: string): Maybe<number> {
  const { meta } = queryset.state;
  // Read after preUpdate, so a receiver may still adjust the values it was given.
  const { plain, expressions } = splitUpdateValues(meta, values);
  const probe = blankInstance<T>(meta.model.prototype);
  for (const key of Object.keys(plain)) writeAttribute(probe, key, plain[key]);
  const plainFields = expressions.length ? fields.filter((f) => !expressions.some(([e]) => e === f)) : fields;
  const validated = validateInstanceNow(probe, meta, { fields: plainFields, insert: false });
  // No closure when validation is done now (no class-validator decorators).
  if (validated instanceof Promise) return validated.then(() => updateValidated(queryset, probe, plainFields, expressions, alias));
  return updateValidated(queryset, probe, plainFields, expressions, alias);
}

/** The UPDATE of validated values: through the statement cache when its shape is plain, else through Knex. */
function updateValidated<T extends BaseModel>(
  queryset: QuerySet<T>,
  probe: T,
  fields: FieldMeta[],
  expressions: UpdateExpressions,
  alias: string,
): Maybe<number> {
  const db = databaseOf(queryset.state.meta, alias);
  const row = rowOf(probe, fields, db.driver);
  const count = expressions.length ? undefined : updateCached(queryset.state, db, row);
  if (count instanceof Promise) return count.then((counted) => counted ?? updateCompiled(queryset, db, row, expressions));
  return count ?? updateCompiled(queryset, db, row, expressions);
}

/** The UPDATE compiled through Knex: a shape the statement cache does not take (expressions, joins, Q objects…). */
async function updateCompiled<T extends BaseModel>(
  queryset: QuerySet<T>,
  db: Database,
  row: Record<string, unknown>,
  expressions: UpdateExpressions,
): Promise<number> {
  const { compiler } = await queryset.compile();
  return Number(
    await execute(db, (runner) => {
      const target = compiler.writeTarget(runner);
      return target.update(updateAssignments(compiler, runner, row, expressions));
    }),
  );
}

import { QueryError } from '../errors';
import type { FieldMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { writeAttribute } from '../models/state';
import { validateInstance } from '../validation';
import { databaseOf, execute, writing } from './executor';
import { stateAlias } from './routing';
import { updateCached } from './shapes/write-shape';
import { splitUpdateValues, updateAssignments } from './expressions/update-values';
import type { QuerySet } from './queryset';
import { rowOf } from './row';
import { withAutoNow } from './auto-values';

/**
 * `QuerySet.update()`: sets `values` on every matching row (validated first) in one statement; a value that
 * is an expression (`F('views').plus(1)`) is computed by the database from each row's own columns. Sends
 * preUpdate before and postUpdate after, once each, as `(Model, null, { queryset, values })`.
 */
export async function updateRows<T extends BaseModel>(queryset: QuerySet<T>, given: Record<string, unknown>): Promise<number> {
  const { meta } = queryset.state;
  const alias = stateAlias(queryset.state, 'write');
  writing(meta, alias);
  // Compiled for the alias it runs on (its schema), and pinned there for the receivers.
  if (alias !== queryset.state.alias) queryset = queryset.using(alias);
  // `autoNow` fields the values do not name are set to now (receivers see them among the values).
  const values = withAutoNow(meta, given);
  const { signals } = meta;
  const fields: FieldMeta[] = [];
  for (const key of Object.keys(values)) {
    const field = meta.fields.get(key) ?? meta.attnames.get(key);
    if (!field) throw new QueryError(`update(): ${meta.name} has no field "${key}" (fields: ${[...meta.fields.keys()].join(', ')}).`);
    if (field.primaryKey) throw new QueryError(`update(): ${meta.name}.${field.name} is the primary key.`);
    // `undefined` means "not given" (as in a partial DTO), never NULL: pass null to clear a field.
    if (values[key] !== undefined) fields.push(field);
  }
  if (fields.length === 0) return 0;
  if (signals.preUpdate.hasReceivers) await signals.preUpdate.send(meta.model, null, { queryset, values });
  // Read after preUpdate, so a receiver may still adjust the values it was given.
  const { plain, expressions } = splitUpdateValues(meta, values);
  const probe = Object.create(meta.model.prototype) as T;
  for (const key of Object.keys(plain)) writeAttribute(probe, key, plain[key]);
  const plainFields = fields.filter((f) => !expressions.some(([e]) => e === f));
  await validateInstance(probe, meta, { fields: plainFields, insert: false });
  const db = databaseOf(meta, alias);
  const row = rowOf(probe, plainFields, db.driver);
  let count = expressions.length ? undefined : await updateCached(queryset.state, db, row);
  if (count === undefined) {
    const { compiler } = await queryset.compile();
    count = Number(
      await execute(db, (runner) => {
        const target = compiler.writeTarget(runner);
        return target.update(updateAssignments(compiler, runner, row, expressions));
      }),
    );
  }
  if (signals.postUpdate.hasReceivers) await signals.postUpdate.send(meta.model, null, { queryset, values, count });
  return count;
}

import type { BaseModel } from '../models/base-model';
import { LOCATION, locationAt, PERSISTED } from '../models/state';
import { validateInstanceNow, validateManyNow } from '../validation';
import { ambientSchema, tableSchema, writing } from './executor';
import { routedAlias } from './routing';
import type { TableRef } from '../dialects/dialect';
import { applyDefaults } from './row';
import { fillContentTypes } from '../contenttypes/fill';
import { metaOf, type FieldMeta, type ModelMeta } from '../metadata/types';
import { onMetadataChange } from './forget';
import { checkRepeatedKeys, type ConflictPlan } from './upsert';
import { noteSecretRows } from '../database/secret-bindings';
import { andThen, settle, type Maybe } from '../maybe';
import type { Database } from '../database/database';

/** `bulkCreate()`'s conflict options are checked in upsert.ts. */
export { conflictPlan, type BulkCreateOptions } from './upsert';

/** Options of an insert: where to write and how many rows per statement. */
export interface InsertOptions {
  alias?: string;
  schema?: string;
  /** Rows per INSERT; capped by the dialect's bound-parameter limit. */
  batchSize?: number;
  /** A bulk insert: validation errors name the item's index (`[3].email`) even for one item. */
  bulk?: boolean;
  /** Rows duplicating a unique key are skipped or update the existing row (see `upsert.ts`); keys are set where the database reports them. */
  conflict?: ConflictPlan;
}

/**
 * Inserts instances of one model: defaults, preSave receivers, validation of every instance (nothing is
 * written if one fails), batched INSERTs inside one transaction, keys set on the instances, postSave.
 */
export function insertMany(instances: readonly BaseModel[], options: InsertOptions = {}): Promise<void> {
  return settle(() => insertNow(instances, options));
}

/**
 * @internal `insertMany()`, done now where every step can be: no receivers, no content types, no
 * class-validator decorators and a driver that answers at once (see `Database.runStatementNow`); otherwise a
 * promise. Throws what it would reject with when it ran now.
 */
export function insertNow(instances: readonly BaseModel[], options: InsertOptions = {}): Maybe<void> {
  if (instances.length === 0) return;
  const meta = metaOf(instances[0]);
  const alias = options.alias ?? routedAlias(meta, 'write', meta.database, { instance: instances[0] });
  const db = writing(meta, alias);
  for (const instance of instances) applyDefaults(instance, meta);
  // Each step goes on now when the one before answered now: no closure per step on the common path.
  const prepared = prepare(instances, meta, options);
  if (prepared instanceof Promise) return prepared.then(() => writeAndMark(instances, meta, db, alias, options));
  return writeAndMark(instances, meta, db, alias, options);
}

/** The rows written, then the instances marked saved (where they were written) and postSave sent. */
function writeAndMark(instances: readonly BaseModel[], meta: ModelMeta, db: Database, alias: string, options: InsertOptions): Maybe<void> {
  const written = writeRows(instances, meta, db, alias, options);
  if (written instanceof Promise) return written.then(() => markSaved(instances, meta, alias, options));
  return markSaved(instances, meta, alias, options);
}

/** The written instances marked saved, with where they live when it is not their model's own alias and schema; then postSave. */
function markSaved(instances: readonly BaseModel[], meta: ModelMeta, alias: string, options: InsertOptions): Maybe<void> {
  const location = locationAt(meta.database, alias, options.schema ?? ambientSchema(meta));
  for (const instance of instances) {
    // A skipped row's instance has no key: it was not written, and stays unsaved.
    if (options.conflict && (instance.pk === undefined || instance.pk === null)) continue;
    const state = instance as unknown as Record<symbol, unknown>;
    state[PERSISTED] = true;
    if (location) state[LOCATION] = location;
  }
  if (meta.signals.postSave.hasReceivers) return sendPostSave(instances, meta);
}

/** Content types filled, preSave sent, every instance validated: what must hold before anything is written. */
function prepare(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Maybe<void> {
  if (meta.fields.has('content_type') || meta.signals.preSave.hasReceivers)
    return fillAndSend(instances, meta, options).then(() => validate(instances, meta, options));
  return validate(instances, meta, options);
}

/** The steps before validation that always take a promise: content types looked up, preSave receivers awaited. */
async function fillAndSend(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Promise<void> {
  if (meta.fields.has('content_type')) await fillContentTypes(instances, meta, options.schema);
  if (meta.signals.preSave.hasReceivers) for (const i of instances) await meta.signals.preSave.send(meta.model, i, { created: true });
}

/** Every instance validated (one reports errors by field; a batch prefixes them with the item's index), then no key repeated within an upsert. */
function validate(instances: readonly BaseModel[], meta: ModelMeta, options: InsertOptions): Maybe<void> {
  const validated = instances.length === 1 && !options.bulk ? validateInstanceNow(instances[0], meta, INSERTING) : validateManyNow(instances, meta, INSERTING);
  const { conflict } = options;
  if (!conflict) return validated;
  return andThen(validated, () => checkRepeatedKeys(conflict, instances));
}

/** Validation options of an insert (one object for every call). */
const INSERTING = Object.freeze({ insert: true });

async function sendPostSave(instances: readonly BaseModel[], meta: ModelMeta): Promise<void> {
  for (const i of instances) await meta.signals.postSave.send(meta.model, i, { created: true });
}

/** The columns an INSERT writes, in field order: the same arrays every time for the same set (dialects key their SQL on them). */
interface InsertPlan {
  fields: FieldMeta[];
  columns: string[];
}

/** A model's insertable fields (generated columns are the database's to compute, never inserted) and the plans made of them. */
interface ModelPlans {
  insertable: FieldMeta[];
  /** By the set of fields written: a bit per insertable field, in field order. */
  bySet: Map<number, InsertPlan>;
}

let plans = new WeakMap<ModelMeta, ModelPlans>();
onMetadataChange(() => (plans = new WeakMap()));

/** Plans by a bit per field fit in a small integer up to this many insertable fields; a wider model's plan is made per call. */
const PLANNED_FIELDS = 30;

/** Whether any of `instances` has a value for `field`. */
function given(instances: readonly BaseModel[], field: FieldMeta): boolean {
  for (let i = 0; i < instances.length; i++) if ((instances[i] as unknown as Record<string, unknown>)[field.attname] !== undefined) return true;
  return false;
}

/** The fields any instance has a value for, in field order; the others are left to the database. */
function insertPlan(meta: ModelMeta, instances: readonly BaseModel[]): InsertPlan {
  let model = plans.get(meta);
  if (!model) plans.set(meta, (model = { insertable: [...meta.fields.values()].filter((f) => f.generated === undefined), bySet: new Map() }));
  const { insertable } = model;
  if (insertable.length > PLANNED_FIELDS) {
    const fields = insertable.filter((f) => given(instances, f));
    return { fields, columns: fields.map((f) => f.column) };
  }
  let set = 0;
  for (let i = 0; i < insertable.length; i++) if (given(instances, insertable[i])) set |= 1 << i;
  let plan = model.bySet.get(set);
  if (!plan) {
    const fields = insertable.filter((_, i) => (set & (1 << i)) !== 0);
    model.bySet.set(set, (plan = { fields, columns: fields.map((f) => f.column) }));
  }
  return plan;
}

/** One INSERT's work: the instances, their rows (values converted for the dialect, in `columns` order) and where they go. */
interface RowsWrite {
  instances: readonly BaseModel[];
  rows: unknown[][];
  columns: string[];
  pk: FieldMeta;
  db: Database;
  table: TableRef;
  conflict: ConflictPlan | undefined;
}

/** The INSERT statements: batched to the dialect's parameter limit (several in one transaction), keys set on the instances. */
function writeRows(instances: readonly BaseModel[], meta: ModelMeta, db: Database, alias: string | undefined, options: InsertOptions): Maybe<void> {
  const driver = db.driver;
  const { fields, columns } = insertPlan(meta, instances);
  const rows = new Array<unknown[]>(instances.length);
  for (let r = 0; r < instances.length; r++) {
    const target = instances[r] as unknown as Record<string, unknown>;
    const row = new Array<unknown>(fields.length);
    for (let c = 0; c < fields.length; c++) {
      const value = target[fields[c].attname];
      row[c] = value === undefined ? undefined : driver.toDb(fields[c].type, value);
    }
    rows[r] = row;
  }
  noteSecretRows(fields, rows);
  const size = Math.max(1, Math.min(options.batchSize ?? Infinity, Math.floor(driver.maxBindings / Math.max(1, columns.length))));
  const table = { schema: tableSchema(meta, options.schema, alias), name: meta.tablename };
  const write: RowsWrite = { instances, rows, columns, pk: meta.fields.get(meta.pkName)!, db, table, conflict: options.conflict };
  if (rows.length <= size) return insertBatch(write, 0, rows);
  return db.transaction(async () => {
    for (let start = 0; start < rows.length; start += size) await insertBatch(write, start, rows.slice(start, start + size));
  });
}

/** One INSERT of `batch` (the rows from `start`), in the dialect's own placeholders straight on the driver connection (see `Database.runStatement`). */
function insertBatch(write: RowsWrite, start: number, batch: unknown[][]): Maybe<void> {
  const { db, table, columns, pk, conflict } = write;
  const ids = conflict
    ? db.driver.insertOnConflict(db.runSql, (fn) => (db.inTransaction ? fn() : db.transaction(fn)), table, columns, batch, pk.column, conflict.action)
    : db.driver.insertRows(db.runSql, table, columns, batch, pk.column);
  return andThen(ids, setKeys, write, start, batch.length);
}

/** The keys the database reported, set on the batch's instances. */
function setKeys(keys: unknown[] | undefined, { instances, pk, db, conflict }: RowsWrite, start: number, count: number): void {
  if (!keys) return;
  for (let i = 0; i < count; i++) {
    const target = instances[start + i] as unknown as Record<string, unknown>;
    // An upserted row keeps the key it already had in the table, whatever key the instance was given.
    if (conflict || target[pk.attname] === undefined || target[pk.attname] === null) target[pk.attname] = db.driver.fromDb(pk.type, pk.jsKind, keys[i]);
  }
}

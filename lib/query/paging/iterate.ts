import type { Knex } from 'knex';
import { KeelsonError } from '../../errors';
import type { BaseModel } from '../../models/base-model';
import { instancesOf } from '../instances';
import type { StatementRows } from '../../dialects/dialect';
import type { QuerySet } from '../queryset';
import { splitSelectRelated } from '../select-related';
import { keysetChunks, type ChunkReader } from './chunks';
import { keysetKeys, lastValues, readAfter, refuseSlice, rowValues } from './keyset';
import { positiveInteger } from './paginate';

/**
 * The rows of `qs` as an async iterable holding one chunk of `chunkSize` rows at a time: through the dialect's
 * server-side cursor when it has one (PostgreSQL, outside a transaction, in the queryset's own order), else by
 * keyset chunks in the queryset's order plus the key. Breaking out of the loop releases the cursor's connection.
 */
export function iterate<T extends BaseModel>(qs: QuerySet<T>, options: { chunkSize?: number } = {}): AsyncIterable<T> {
  const given = options === null || typeof options !== 'object' ? { chunkSize: options as unknown } : (options as Record<string, unknown>);
  const chunkSize = positiveInteger('iterate', 'chunkSize', given.chunkSize ?? 1000);
  refuseSlice(qs.state, 'iterate');
  return { [Symbol.asyncIterator]: () => rowsOf(chunks(qs, chunkSize)) };
}

/**
 * The rows of a chunk source one by one. Hand-written rather than `yield*` in an async generator: a buffered
 * row is handed out as an already-resolved promise, which costs a fraction of a generator's per-yield awaits
 * (measured: most of the time `iterate()` spent per row over 100,000 rows). `return()` (a `break` in the
 * consumer's loop) ends the source, which closes its cursor.
 */
function rowsOf<T>(source: AsyncGenerator<T[]>): AsyncIterator<T> {
  let buffer: T[] = [];
  let index = 0;
  let done = false;
  const next = async (): Promise<IteratorResult<T>> => {
    while (index >= buffer.length) {
      if (done) return { value: undefined, done: true };
      const chunk = await source.next();
      if (chunk.done) {
        done = true;
        return { value: undefined, done: true };
      }
      buffer = chunk.value;
      index = 0;
    }
    return { value: buffer[index++], done: false };
  };
  return {
    next: () => (index < buffer.length ? Promise.resolve({ value: buffer[index++], done: false }) : next()),
    async return(): Promise<IteratorResult<T>> {
      done = true;
      buffer = [];
      await source.return([]);
      return { value: undefined, done: true };
    },
  };
}

async function* chunks<T extends BaseModel>(qs: QuerySet<T>, chunkSize: number): AsyncGenerator<T[]> {
  qs = qs.forRead();
  const { db: primary, compiler } = await qs.compile();
  // A stream cannot be retried once rows went out: it goes to one replica (or the primary) without failover.
  const db = qs.state.primary || qs.state.lock ? primary : primary.readTarget();
  const { meta, prefetchRelated } = qs.state;
  // Prefetches and relations on other databases load by extra queries per batch: fetch() does that, per keyset chunk.
  const streamable = prefetchRelated.length === 0 && splitSelectRelated(meta, qs.state.selectRelated).separate.length === 0;
  // Inside a transaction the loop body may query on the same connection, which an open cursor would hold.
  if (db.driver.streamRows && streamable && !db.inTransaction) {
    const knex = (await db.runner()) as Knex;
    const columns = compiler.select(knex);
    const { query } = columns;
    // The model's own columns alone (the common case) are read as arrays, each value at its column's position.
    const arrays = columns.selected.length === 0 && columns.annotations.length === 0;
    const stream = arrays ? db.driver.streamRows(knex, query.toSQL(), chunkSize, 'array') : db.driver.streamRows(knex, query.toSQL(), chunkSize);
    try {
      for (;;) {
        let next: IteratorResult<unknown[]>;
        try {
          next = await stream.next();
        } catch (error) {
          throw error instanceof KeelsonError ? error : db.wrapError(error);
        }
        if (next.done) return;
        yield instancesOf<T>(next.value as StatementRows, qs.state, db.driver, columns);
      }
    } finally {
      // A `break` (or throw) in the consumer's loop returns this generator at its `yield`: the stream's own
      // `finally` then closes the cursor and releases its connection.
      await stream.return(undefined);
    }
  }
  const ahead = !db.inTransaction;
  yield* keysetChunks(keysetReader(qs, chunkSize), chunkSize, { ahead, stepping: ahead && db.stepsRows });
}

/** The keyset chunks of `qs`: each read in the keyset order after the last one, the next started from its rows where their keys are its own columns. */
function keysetReader<T extends BaseModel>(qs: QuerySet<T>, chunkSize: number): ChunkReader<T> {
  const keys = keysetKeys(qs.state, 'iterate');
  return {
    read(after, stepped, onFull) {
      const onRows =
        onFull &&
        ((rows: readonly Record<string, unknown>[]) => {
          const next = rows.length === chunkSize ? rowValues(keys, qs.state, rows[rows.length - 1]) : undefined;
          if (next) onFull(next);
        });
      return readAfter(qs, keys, after, chunkSize, { onRows, stepped });
    },
    valuesOf: (item) => lastValues(qs, keys, item),
  };
}

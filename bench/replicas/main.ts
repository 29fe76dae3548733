/**
 * Read-heavy throughput with read replicas: 20 concurrent readers run keelson reads against a throwaway
 * PostgreSQL primary and its streaming replica (started from the installed PostgreSQL binaries, as the tests
 * do), in three set-ups measured in the same run: the primary alone; reads on the replica; reads spread
 * over the replica and the primary (the primary listed among the replicas). Prints reads per second.
 *
 *   npm run bench:replicas
 */
import 'reflect-metadata';
import { BaseModel, Database, Field, Manager, Model, Registry } from '../../lib';
import { startReplicaPair, stopReplicaPair, waitFor } from '../../spec/support/replica-pair';
import { median } from '../lib/stats';

const READERS = 20;
/** Reads per reader per round. */
const READS = 100;
const ROUNDS = { warmup: 1, measured: 5 };
const ROWS = 20_000;

function declare(registry: Registry) {
  @Model({ registry, tablename: 'bench_replica_books' })
  class Book extends BaseModel {
    declare static query: Manager<Book>;
    @Field({ maxLength: 60 }) title!: string;
    @Field() pages!: number;
    @Field() shelf!: number;
  }
  return Book;
}

/** One reader's work: a page of a shelf's books, as a listing endpoint reads it (the server sorts 100 of 20,000 rows). */
async function reader(Book: ReturnType<typeof declare>, seed: number): Promise<void> {
  for (let i = 0; i < READS; i++) {
    const shelf = (seed * 7919 + i * 104729) % 200;
    const books = await Book.query.filter({ shelf, pages__gte: 100 }).orderBy('-pages', 'id').limit(20).fetch();
    if (books.length === 0) throw new Error(`shelf ${shelf} read no books`);
  }
}

/** Reads per second of 20 concurrent readers, median over the measured rounds. */
async function throughput(Book: ReturnType<typeof declare>): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS.warmup + ROUNDS.measured; round++) {
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: READERS }, (_, r) => reader(Book, r + round * READERS)));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (round >= ROUNDS.warmup) rates.push((READERS * READS) / seconds);
  }
  return median(rates);
}

/** Runs the measurement and returns it as a Markdown section; undefined when the PostgreSQL binaries are missing. */
export async function replicaReadHeavy(): Promise<string | undefined> {
  const pair = await startReplicaPair();
  if (!pair) {
    console.error('*** replica bench skipped: no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) ***');
    return undefined;
  }
  try {
    const setup = new Registry(pair.primary);
    const Book = declare(setup);
    await setup.createAll();
    await setup.database.knex.raw(
      `insert into bench_replica_books (title, pages, shelf) select 'book ' || i, 50 + (i * 37) % 900, i % 200 from generate_series(1, ${ROWS}) as i`,
    );
    await setup.database.knex.raw('create index on bench_replica_books (shelf, pages)');
    await setup.database.knex.raw('analyze bench_replica_books');
    // The replica has replayed the data before anyone reads there.
    const [{ lsn }] = (await setup.database.raw('select pg_current_wal_lsn()::text as lsn')) as { lsn: string }[];
    await waitFor(pair.replica, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`, 'replica catching up');
    await setup.disconnect();

    const setups: [string, () => Database][] = [
      ['primary alone', () => new Database(pair.primary)],
      ['reads on the replica', () => new Database(pair.primary, { replicas: [pair.replica], sticky: false })],
      ['reads on the replica and the primary', () => new Database(pair.primary, { replicas: [pair.replica, pair.primary], sticky: false })],
    ];
    const results: [string, number][] = [];
    for (const [name, make] of setups) {
      const registry = new Registry(make());
      const Model = declare(registry);
      await registry.connect();
      results.push([name, await throughput(Model)]);
      await registry.disconnect();
      process.stderr.write(`  replicas: ${name} ✓\n`);
    }
    const base = results[0][1];
    return [
      `### Read-heavy: ${READERS} concurrent readers, primary and streaming replica (PostgreSQL)`,
      '',
      `Each reader runs ${READS} listing reads (20 of ${ROWS.toLocaleString('en-US')} books by shelf, sorted); median of ${ROUNDS.measured} rounds. Both servers run on this machine, so they share its cores with each other and with the readers.`,
      '',
      '| set-up | reads/s | vs primary alone |',
      '|---|---:|---:|',
      ...results.map(([name, rate]) => `| ${name} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)}× |`),
    ].join('\n');
  } finally {
    stopReplicaPair(pair);
  }
}

if (require.main === module) {
  replicaReadHeavy()
    .then((section) => section && console.log(`\n${section}\n`))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}

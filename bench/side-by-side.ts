/**
 * A few contenders on one step in one process, in blocks of calls that take turns (order rotated each round):
 * `npx ts-node --transpile-only bench/side-by-side.ts postgres getById raw keelson drizzle`
 * (`keelson:keelsonBetterSqlite` names another export of a contender file). `N` calls per block (5000),
 * `ROUNDS` rounds (8, the first two not counted); `BENCH_STUB=1` answers better-sqlite3 reads from memory, so
 * what is left is each contender's own work. Prints each contender's median wall and CPU time per call, and the fastest round's.
 */
import './lib/one-pg';
import { prepare } from './lib/setup';
import type { Contender, Db } from './lib/types';

export const steps: Record<string, (c: Contender, i: number) => Promise<unknown>> = {
  getById: (c, i) => c.getById(1 + (i % 10_000)),
  select200: (c) => c.select200(40),
  selectAll: (c) => c.selectAll(),
  updateById: (c, i) => c.updateById(10_000, `s${i}@example.com`),
  insertTen: (c, i) => c.insertTen(Array.from({ length: 10 }, (_, k) => ({ name: `t${i}-${k}`, email: 'p@example.com', age: 30 }))),
  insertOne: (c, i) => c.insertOne({ name: `p${i}`, email: 'p@example.com', age: 30 }),
  aggregatePerAuthor: (c) => c.aggregatePerAuthor(),
  streamBooks: (c) => c.streamBooks!(1000),
};

/** Makes better-sqlite3 statements answer `all`/`get`/`run` with their first result (writes then run once) (both copies: bench's and keelson's). */
export function stubBetterSqlite(): void {
  for (const module of ['better-sqlite3', '../node_modules/better-sqlite3']) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proto = new (require(module))(':memory:').prepare('select 1').constructor.prototype;
    for (const method of ['all', 'get', 'run']) {
      const real = proto[method];
      const first = new WeakMap<object, unknown>();
      proto[method] = function (this: object, ...args: unknown[]) {
        if (!first.has(this)) first.set(this, real.apply(this, args));
        return first.get(this);
      };
    }
  }
}

async function main(): Promise<void> {
  const [db = 'sqlite', step = 'getById', ...names] = process.argv.slice(2);
  const call = steps[step];
  if (!call || names.length === 0) throw new Error(`usage: side-by-side.ts <postgres|sqlite> <${Object.keys(steps).join('|')}> <contender>...`);
  const prepared = await prepare(db as Db);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contenders: Contender[] = names.map((n) => {
    const [file, exported = file] = n.split(':');
    return require(`./contenders/${file}`)[exported];
  });
  for (const c of contenders) await c.open(prepared.env);
  if (process.env.BENCH_STUB) stubBetterSqlite();
  const n = Number(process.env.N ?? 5000);
  const rounds = Number(process.env.ROUNDS ?? 8);
  const times = new Map(contenders.map((c) => [c.name, { wall: [] as number[], cpu: [] as number[] }]));
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders.map((_, i) => contenders[(i + round) % contenders.length])) {
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await call(c, i);
      const used = process.cpuUsage(cpu);
      if (round < 2) continue;
      times.get(c.name)!.wall.push(Number(process.hrtime.bigint() - start) / n / 1000);
      times.get(c.name)!.cpu.push((used.user + used.system) / n);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [name, t] of times)
    console.log(
      `${name.padEnd(26)} ${median(t.wall).toFixed(1).padStart(9)} µs wall ${median(t.cpu).toFixed(1).padStart(9)} µs CPU per call (fastest round: ${Math.min(...t.wall).toFixed(1)} µs wall, ${Math.min(...t.cpu).toFixed(1)} µs CPU)`,
    );
  for (const c of contenders) await c.close();
  await prepared.dispose();
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });

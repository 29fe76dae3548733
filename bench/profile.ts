/**
 * Profiles one contender on one step: `npx ts-node --transpile-only bench/profile.ts keelson sqlite getById 5000`
 * (`keelson:keelsonBetterSqlite` names another export of a contender file; BENCH_STUB=1 answers better-sqlite3 reads from memory)
 * with `node --cpu-prof` (see bench/README.md), or with BENCH_CPU_PROFILE=out.cpuprofile to profile only the
 * measured calls (no set-up, no compilation). Prints the mean time per call and this process's CPU time per call.
 */
import './lib/one-pg';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { code } from './lib/schema';
import { prepare } from './lib/setup';
import { stubBetterSqlite } from './side-by-side';
import type { Contender, Db } from './lib/types';

async function main(): Promise<void> {
  const [name = 'keelson', db = 'sqlite', method = 'getById', count = '2000'] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const [file, exported = file] = name.split(':');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contender: Contender = require(`./contenders/${file}`)[exported];
  const prepared = await prepare(db as Db);
  await contender.open(prepared.env);
  const calls: Record<string, (i: number) => Promise<unknown>> = {
    getById: (i) => contender.getById(1 + (i % 10_000)),
    select200: () => contender.select200(40),
    selectAll: () => contender.selectAll(),
    updateById: (i) => contender.updateById(10_000, `p${i}@example.com`),
    parentsWithChildren: () => contender.parentsWithChildren(Array.from({ length: 50 }, (_, i) => i + 1)),
    postsWithTags: () => contender.postsWithTags(Array.from({ length: 30 }, (_, i) => i + 1)),
    insertOne: (i) => contender.insertOne({ name: `p${i}`, email: 'p@example.com', age: 30 }),
    insertTen: (i) => contender.insertTen(Array.from({ length: 10 }, (_, k) => ({ name: `t${i}-${k}`, email: 'p@example.com', age: 30 }))),
    bulkInsert: () => contender.bulkInsert(Array.from({ length: 10_000 }, (_, i) => ({ name: `b${i}`, value: i }))),
    aggregatePerAuthor: () => contender.aggregatePerAuthor(),
    streamBooks: () => contender.streamBooks!(1000),
    // Call i writes codes i*500 … i*500+999: the first half exists from call i - 1, as in the bench step.
    upsertCodes: (i) => contender.upsertCodes!(Array.from({ length: 1000 }, (_, k) => ({ code: code(i * 500 + k), name: `u${k}`, value: i }))),
  };
  // BENCH_STUB=1: better-sqlite3 reads answer from memory (see side-by-side.ts), leaving the contender's own work.
  if (process.env.BENCH_STUB) stubBetterSqlite();
  const call = calls[method];
  const n = Number(count);
  const warm = Math.min(200, n);
  for (let i = 0; i < warm; i++) await call(i);
  if (process.env.BENCH_PROMISES) {
    // Counts the promises one call creates (a hook of its own slows them: measured apart from the timing).
    const { createHook } = await import('node:async_hooks');
    let promises = 0;
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) }).enable();
    for (let i = 0; i < 100; i++) await call(warm + i);
    hook.disable();
    console.log(`${name} ${db} ${method}: ${(promises / 100).toFixed(1)} promises per call`);
  }
  const out = process.env.BENCH_CPU_PROFILE;
  const session = out ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
    await session.post('Profiler.start');
  }
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = warm; i < warm + n; i++) await call(i);
  const used = process.cpuUsage(cpu);
  if (session) writeFileSync(out!, JSON.stringify((await session.post('Profiler.stop')).profile));
  const wall = Number(process.hrtime.bigint() - start) / 1000 / n;
  // CPU time of this process alone: what the contender costs on top of the server's work, less noisy than wall time.
  console.log(`${name} ${db} ${method}: ${wall.toFixed(1)} µs per call, ${((used.user + used.system) / n).toFixed(1)} µs CPU in this process`);
  await contender.close();
  await prepared.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

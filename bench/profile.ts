/**
 * Profiles one contender on one step: `npx ts-node --transpile-only bench/profile.ts keelson sqlite getById 5000`
 * with `node --cpu-prof` (see bench/README.md). Prints the mean time per call.
 */
import { prepare } from './lib/setup';
import type { Contender, Db } from './lib/types';

async function main(): Promise<void> {
  const [name = 'keelson', db = 'sqlite', method = 'getById', count = '2000'] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contender: Contender = require(`./contenders/${name}`)[name];
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
    bulkInsert: () => contender.bulkInsert(Array.from({ length: 10_000 }, (_, i) => ({ name: `b${i}`, value: i }))),
  };
  const call = calls[method];
  const n = Number(count);
  for (let i = 0; i < Math.min(200, n); i++) await call(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call(i);
  console.log(`${name} ${db} ${method}: ${(Number(process.hrtime.bigint() - start) / 1000 / n).toFixed(1)} µs per call`);
  await contender.close();
  await prepared.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

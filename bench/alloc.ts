/**
 * Bytes one call allocates: `node --max-semi-space-size=256 -r ts-node/register/transpile-only bench/alloc.ts sqlite getById keelson`
 * (a young generation large enough that no collection runs while the calls are counted). Better-sqlite3 reads
 * are answered from memory (as `side-by-side.ts` does with BENCH_STUB=1) so the count is the contender's own.
 */
import { getHeapStatistics } from 'node:v8';
import { prepare } from './lib/setup';
import type { Contender, Db } from './lib/types';
import { stubBetterSqlite, steps } from './side-by-side';

async function main(): Promise<void> {
  const [db = 'sqlite', step = 'getById', name = 'keelson'] = process.argv.slice(2);
  const prepared = await prepare(db as Db);
  const [file, exported = file] = name.split(':');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const c: Contender = require(`./contenders/${file}`)[exported];
  await c.open(prepared.env);
  if (db === 'sqlite') stubBetterSqlite();
  const call = steps[step];
  for (let i = 0; i < 20_000; i++) await call(c, i);
  const n = 2000;
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < n; i++) await call(c, i);
    const after = getHeapStatistics().used_heap_size;
    // A collection in between shows as a drop: that round is not counted.
    if (after > before) samples.push((after - before) / n);
  }
  samples.sort((a, b) => a - b);
  console.log(`${c.name} ${db} ${step}: ${samples.length ? Math.round(samples[samples.length >> 1]) : '?'} bytes per call`);
  await c.close();
  await prepared.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Compares two builds of keelson call by call, in one process, on in-memory SQLite:
 *   npm run bench:compare -- <git-ref> [<git-ref> | .]     (the second defaults to the working tree)
 * Both builds run interleaved (order swapped every round) and are timed in CPU time, so load from other
 * processes and drift over time fall on both alike; a ratio within ±10% is noise on a busy machine.
 */
import type * as Keelson from '../../lib';
import { buildRef } from './build';
import { Env, openEnv, STEPS } from './steps';

const ROUNDS = 10;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function timeBlock(env: Env, calls: number, run: (env: Env, i: number) => Promise<unknown>): Promise<number> {
  const start = cpuMs();
  for (let i = 0; i < calls; i++) await run(env, i);
  return ((cpuMs() - start) * 1000) / calls;
}

async function main(): Promise<void> {
  const [refA, refB = '.'] = process.argv.slice(2);
  if (!refA) throw new Error('usage: npm run bench:compare -- <git-ref> [<git-ref> | .]');
  const libs = [refA, refB].map((ref) => require(buildRef(ref)) as typeof Keelson);
  const envs = [await openEnv(libs[0], 'a'), await openEnv(libs[1], 'b')];
  console.log(`| step | ${refA} µs | ${refB === '.' ? 'working tree' : refB} µs | ratio |\n|---|---:|---:|---:|`);
  for (const [name, calls, run] of STEPS) {
    for (const env of envs) await timeBlock(env, calls, run); // warm-up
    const times: number[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      for (const k of round % 2 ? [0, 1] : [1, 0]) times[k].push(await timeBlock(envs[k], calls, run));
    }
    const [a, b] = times.map(median);
    console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)} |`);
  }
  for (const env of envs) await env.registry.disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

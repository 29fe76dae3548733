/**
 * keelson against the raw drivers, raw Knex and peer ORMs, on PostgreSQL and SQLite.
 *
 *   npm run bench                 full run; writes bench/RESULTS.md
 *   npm run bench -- --quick      smoke run (fewer rounds), prints only
 *   npm run bench -- --verify     one checked call per step and contender, no timing
 *   options: --db=postgres,sqlite  --contenders=raw,knex,keelson,…
 *
 * Method: every step is prepared and checked outside the timed region; contenders are interleaved and
 * their order rotates every round; warm-up rounds first, then the median of the measured rounds, with
 * the ratio to the raw driver measured in the same run. One process and one connection per contender.
 */
import './lib/one-pg';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { machineLine } from './lib/machine';
import { prepare, Prepared } from './lib/setup';
import { median, micros } from './lib/stats';
import { ContenderHost } from './lib/contender-host';
import { CALLS, SELECT_CALLS, SELECT_WARMUP_CALLS, STEPS, WARMUP_CALLS, type Step } from './lib/steps';
import { registryScaling } from './registry/main';
import { replicaReadHeavy } from './replicas/main';
import type { Db, StartupContender } from './lib/types';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string?]));
const quick = args.has('quick');
const verifyOnly = args.has('verify');
const dbs = (args.get('db')?.split(',') ?? ['postgres', 'sqlite']) as Db[];
/** `--steps=stream,upsert`: only the steps whose names contain one of these. */
const onlySteps = args.get('steps')?.split(',');
const ROUNDS = quick ? { warmup: 1, measured: 3, heavyWarmup: 1, heavyMeasured: 2 } : { warmup: 5, measured: 25, heavyWarmup: 2, heavyMeasured: 16 };

/** Contender modules; peers come from bench/node_modules and are skipped (loudly) when not installed. */
const MODULES: { name: string; file: string; exports: string; startup?: string }[] = [
  { name: 'raw', file: './contenders/raw', exports: 'raw' },
  { name: 'raw-bs3', file: './contenders/raw', exports: 'rawBetterSqlite' },
  { name: 'knex', file: './contenders/knex', exports: 'knex' },
  { name: 'keelson', file: './contenders/keelson', exports: 'keelson', startup: 'keelsonStartup' },
  { name: 'keelson-bs3', file: './contenders/keelson', exports: 'keelsonBetterSqlite' },
  { name: 'typeorm', file: './contenders/typeorm', exports: 'typeorm', startup: 'typeormStartup' },
  { name: 'sequelize', file: './contenders/sequelize', exports: 'sequelize' },
  { name: 'mikroorm', file: './contenders/mikroorm', exports: 'mikroorm', startup: 'mikroormStartup' },
  { name: 'objection', file: './contenders/objection', exports: 'objection' },
  { name: 'drizzle', file: './contenders/drizzle', exports: 'drizzle' },
];

const wantedNames = args.get('contenders')?.split(',');
const modules = MODULES.filter((m) => !wantedNames || wantedNames.includes(m.name));
const skipped = (name: string, error: unknown) =>
  console.error(`*** ${name} skipped: ${(error as Error).message.split('\n')[0]} (run \`npm install\` in bench/) ***`);

/** The start-up contenders, loaded into this process once the database steps are done. */
function startupContenders(): StartupContender[] {
  const startups: StartupContender[] = [];
  for (const { name, file, startup } of modules) {
    if (!startup) continue;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const found = require(file)[startup] as StartupContender | undefined;
      if (found) startups.push(found);
    } catch (error) {
      skipped(name, error);
    }
  }
  return startups;
}

/** Warm-up rounds of a light step: the usual ones, or enough for its warm-up calls (`Step.warmupCalls`; not in a quick run). */
function warmupRounds(step: Step): number {
  if (quick || !step.warmupCalls || !step.calls) return ROUNDS.warmup;
  return Math.max(ROUNDS.warmup, Math.ceil(step.warmupCalls / step.calls));
}

type Results = Map<string, Map<string, number | string>>; // step → contender → median µs, or why it sat out

/** Runs every step on `db`, each contender in a process of its own (`lib/contender-host.ts`); resolves to the medians and the contenders that ran. */
async function runDb(db: Db, prepared: Prepared): Promise<{ results: Results; ran: ContenderHost[] }> {
  const results: Results = new Map();
  const started = await Promise.allSettled(
    modules.map((m) => ContenderHost.start({ file: path.join(__dirname, m.file), exports: m.exports, env: prepared.env })),
  );
  const hosts: ContenderHost[] = [];
  started.forEach((outcome, i) => (outcome.status === 'fulfilled' ? hosts.push(outcome.value) : skipped(modules[i].name, outcome.reason)));
  // A driver of one dialect sits the other database out.
  const ran = hosts.filter((h) => !h.dbs || h.dbs.includes(db));
  try {
    for (const step of STEPS) {
      if (onlySteps && !onlySteps.some((part) => step.name.includes(part))) continue;
      const warmup = verifyOnly ? 0 : step.heavy ? ROUNDS.heavyWarmup : warmupRounds(step);
      const measured = verifyOnly ? 1 : step.heavy ? ROUNDS.heavyMeasured : ROUNDS.measured;
      const running = ran.filter((h) => !h.sitsOut[step.name]);
      const times = new Map(running.map((h) => [h.name, [] as number[]]));
      for (let round = 0; round < warmup + measured; round++) {
        // Rotate the order every round so no contender always runs right after another.
        const order = running.map((_, i) => running[(i + round) % running.length]);
        for (const h of order) {
          const elapsed = await h.runRound(step.name, round);
          if (round >= warmup) times.get(h.name)!.push(elapsed);
        }
      }
      const row = new Map<string, number | string>(ran.map((h) => [h.name, h.sitsOut[step.name] ?? median(times.get(h.name)!)]));
      results.set(step.name, row);
      process.stderr.write(`  ${db}: ${step.name} ✓\n`);
    }
  } finally {
    await Promise.all(hosts.map((h) => h.close()));
  }
  return { results, ran };
}

/** One table per database: each contender's median per step and its ratio to its floor (raw on the same driver). */
function table(title: string, results: Results, contenders: { name: string; floor?: string }[]): string {
  const names = contenders.map((c) => c.name);
  const floorOf = new Map(contenders.map((c) => [c.name, c.floor ?? 'raw']));
  const fmt = (us: number) => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`);
  const lines = [`### ${title}`, '', `| step | ${names.join(' | ')} |`, `|---|${names.map(() => '---:').join('|')}|`];
  // The total adds up only the steps every contender ran, so a step one of them sits out cannot flatter it.
  const totals = new Map(names.map((n) => [n, 0]));
  let partial = false;
  for (const [step, row] of results) {
    const complete = names.every((n) => typeof row.get(n) === 'number');
    partial ||= !complete;
    const cells = names.map((n) => {
      const us = row.get(n);
      if (typeof us !== 'number') return us ?? '—';
      if (complete) totals.set(n, totals.get(n)! + us);
      const base = row.get(floorOf.get(n)!);
      return typeof base === 'number' ? `${fmt(us)} (${(us / base).toFixed(2)}×)` : fmt(us);
    });
    lines.push(`| ${step} | ${cells.join(' | ')} |`);
  }
  const total = (n: string) => {
    const baseTotal = totals.get(floorOf.get(n)!);
    return `**${fmt(totals.get(n)!)}${baseTotal ? ` (${(totals.get(n)! / baseTotal).toFixed(2)}×)` : ''}**`;
  };
  lines.push(`| **total**${partial ? ' (steps every contender ran)' : ''} | ${names.map(total).join(' | ')} |`);
  return lines.join('\n');
}

async function startupTable(startups: StartupContender[]): Promise<string> {
  const n = 1000;
  const runs = quick ? 2 : 5;
  const times = new Map<string, number[]>(startups.map((s) => [s.name, []]));
  for (let round = 0; round < runs + 1; round++) {
    for (const s of startups.map((_, i) => startups[(i + round) % startups.length])) {
      const start = process.hrtime.bigint();
      await s.startup(n);
      if (round > 0) times.get(s.name)!.push(micros(start) / 1000);
    }
  }
  const base = times.has('keelson') ? median(times.get('keelson')!) : undefined;
  const lines = [
    '### Start-up: 1,000 models (FK to the next, every other with a many-to-many)',
    '',
    '| contender | median ms | vs keelson |',
    '|---|---:|---:|',
  ];
  for (const [name, t] of times) lines.push(`| ${name} | ${median(t).toFixed(1)} | ${base ? `${(median(t) / base).toFixed(2)}×` : '—'} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const names = new Set<string>();
  const sections: string[] = [];
  const admins: Partial<Record<Db, Prepared['admin']>> = {};
  const prepared: Prepared[] = [];
  try {
    for (const db of dbs) {
      const p = await prepare(db);
      prepared.push(p);
      admins[db] = p.admin;
      const { results, ran } = await runDb(db, p);
      for (const h of ran) names.add(h.name);
      if (!verifyOnly) {
        const title =
          db === 'postgres'
            ? 'PostgreSQL (median, ratio to raw `pg`)'
            : 'SQLite (median, ratio to raw `sqlite3`; the better-sqlite3 columns to raw `better-sqlite3`)';
        const section = table(title, results, ran);
        console.log(`\n${section}\n`);
        sections.push(section);
      }
    }
    if (verifyOnly || onlySteps) {
      if (verifyOnly) console.log(`verified: every step returns the right rows for ${[...names].join(', ')} on ${dbs.join(', ')}`);
      return;
    }
    const startups = startupContenders();
    if (startups.length) {
      const section = await startupTable(startups);
      console.log(`\n${section}\n`);
      sections.push(section);
    }
    const scaling = registryScaling();
    console.log(`\n${scaling}\n`);
    sections.push(scaling);
    if (dbs.includes('postgres')) {
      const replicas = await replicaReadHeavy();
      if (replicas) {
        console.log(`\n${replicas}\n`);
        sections.push(replicas);
      }
    }
    const machine = await machineLine(admins);
    console.log(machine);
    if (!quick && !args.has('db') && !args.has('contenders') && !onlySteps) {
      const doc = [
        '# Benchmark results',
        '',
        `Measured by \`npm run bench\` (full run): ${machine}.`,
        `Warm-up ${ROUNDS.warmup} rounds, median of ${ROUNDS.measured} (heavy steps: ${ROUNDS.heavyWarmup} + ${ROUNDS.heavyMeasured}, each round after a full garbage collection); steps of one small statement (insert 1 row, get, update and delete by id) time ${CALLS} calls back to back per round (select 200: ${SELECT_CALLS}) and show the time per call, after ${WARMUP_CALLS} calls of warm-up (select 200: ${SELECT_WARMUP_CALLS}); contenders interleaved, order rotated every round; each contender in a process of its own, on one connection.`,
        '`n/a`: the contender has no such API (bench/README.md says which); a total then adds up only the steps every contender ran.',
        '',
        ...sections.flatMap((s) => [s, '']),
      ].join('\n');
      writeFileSync(path.join(__dirname, 'RESULTS.md'), doc);
      console.log('written bench/RESULTS.md');
    }
  } finally {
    for (const p of prepared) await p.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

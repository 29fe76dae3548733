import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { prepare, Prepared } from '../../bench/lib/setup';
import { code } from '../../bench/lib/schema';
import { lacking, runRound, STEPS, WrongResult } from '../../bench/lib/steps';
import type { Contender, Db } from '../../bench/lib/types';
import { describeWithServer, PG_URL } from '../support/servers';

/*
 * The benchmark's correctness, not its speed: every step of every contender returns the right rows
 * (each step verifies itself against the database). No timing is asserted here.
 */

const PEERS = ['typeorm', 'sequelize', 'mikroorm', 'objection', 'drizzle'];
const peersInstalled = existsSync(path.resolve(__dirname, '../../bench/node_modules/typeorm'));

function contenders(db: Db): Contender[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (file: string, name = file): Contender => require(`../../bench/contenders/${file}`)[name];
  const list = [
    load('raw'),
    load('raw', 'rawBetterSqlite'),
    load('knex'),
    load('keelson'),
    load('keelson', 'keelsonBetterSqlite'),
    ...(peersInstalled ? PEERS.map((p) => load(p)) : []),
  ];
  return list.filter((c) => !c.dbs || c.dbs.includes(db));
}

// The peers (TypeORM, Sequelize, MikroORM, Objection, Drizzle) are checked too once `npm run bench` has installed
// them into bench/node_modules; the test names list every contender checked.

function suite(db: Db): void {
  let prepared: Prepared;
  const list = contenders(db);

  beforeAll(async () => {
    prepared = await prepare(db);
    for (const c of list) await c.open(prepared.env);
  }, 60_000);

  afterAll(async () => {
    for (const c of list) await c.close();
    await prepared.dispose();
  });

  it('only a peer lacking the API sits a step out: raw and keelson run every step', () => {
    const out = STEPS.flatMap((step) => list.filter((c) => lacking(step, c) !== undefined).map((c) => `${c.name}: ${step.name}`));
    expect(out.filter((entry) => entry.startsWith('raw') || entry.startsWith('keelson'))).toEqual([]);
  });

  it('the aggregate, stream and upsert checks reject a wrong answer', async () => {
    const raw = list.find((c) => c.name === 'raw')!;
    const step = (prefix: string) => STEPS.find((s) => s.name.startsWith(prefix))!;
    const groups = await raw.aggregatePerAuthor();
    const aggregate = step('aggregate per group');
    await expect(aggregate.verify(raw, groups.slice(1), undefined, prepared.admin, 0)).rejects.toThrow(WrongResult);
    const skewed = groups.map((g, i) => (i === 0 ? { ...g, avgPages: g.avgPages + 0.5 } : g));
    await expect(aggregate.verify(raw, skewed, undefined, prepared.admin, 0)).rejects.toThrow(WrongResult);
    const sums = await raw.streamBooks!(1000);
    await expect(step('stream').verify(raw, { ...sums, idSum: sums.idSum - 1 }, undefined, prepared.admin, 0)).rejects.toThrow(WrongResult);
    // An upsert that also overwrote an existing row's name (the step updates `value` only).
    const upsert = step('upsert');
    await upsert.prepare!(prepared.admin, 0);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ code: code(i), name: `new-${i}`, value: i }));
    const written = await raw.upsertCodes!(rows);
    await prepared.admin('bench_codes').where('code', code(0)).update({ name: 'new-0' });
    await expect(upsert.verify(raw, written, undefined, prepared.admin, 0)).rejects.toThrow(WrongResult);
    await upsert.cleanup!(prepared.admin);
  }, 60_000);

  for (const step of STEPS) {
    it(`${step.name}: every contender that has the API returns the right rows`, async () => {
      for (const c of list.filter((contender) => lacking(step, contender) === undefined)) {
        await runRound(step, c, prepared.admin, 0);
      }
    }, 60_000);
  }
}

describe('benchmark steps on SQLite', () => suite('sqlite'));
describeWithServer('benchmark steps on PostgreSQL', process.env.KEELSON_BENCH_PG || PG_URL, () => suite('postgres'));

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { prepare, Prepared } from '../../bench/lib/setup';
import { STEPS } from '../../bench/lib/steps';
import type { Contender, Db } from '../../bench/lib/types';
import { describeWithServer, PG_URL } from '../support/servers';

/*
 * The benchmark's correctness, not its speed: every step of every contender returns the right rows
 * (each step verifies itself against the database). No timing is asserted here.
 */

const PEERS = ['typeorm', 'sequelize', 'mikroorm', 'objection'];
const peersInstalled = existsSync(path.resolve(__dirname, '../../bench/node_modules/typeorm'));

function contenders(): Contender[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string): Contender => require(`../../bench/contenders/${name}`)[name];
  const names = ['raw', 'knex', 'keelson', ...(peersInstalled ? PEERS : [])];
  return names.map(load);
}

// The peers (TypeORM, Sequelize, MikroORM, Objection) are checked too once `npm run bench` has installed
// them into bench/node_modules; the test names list every contender checked.

function suite(db: Db): void {
  let prepared: Prepared;
  const list = contenders();

  beforeAll(async () => {
    prepared = await prepare(db);
    for (const c of list) await c.open(prepared.env);
  }, 60_000);

  afterAll(async () => {
    for (const c of list) await c.close();
    await prepared.dispose();
  });

  for (const step of STEPS) {
    it(`${step.name}: every contender returns the right rows`, async () => {
      for (const c of list) {
        const state = step.prepare ? await step.prepare(prepared.admin, 0) : undefined;
        const result = await step.run(c, state, 0);
        await step.verify(c, result, state, prepared.admin, 0);
        if (step.cleanup) await step.cleanup(prepared.admin);
      }
    }, 60_000);
  }
}

describe('benchmark steps on SQLite', () => suite('sqlite'));
describeWithServer('benchmark steps on PostgreSQL', process.env.KEELSON_BENCH_PG || PG_URL, () => suite('postgres'));

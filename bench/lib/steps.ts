import type { Knex } from 'knex';
import { collectGarbage } from './heap';
import { code, PARENTS, POSTS_PER_PARENT, TAGGED_POSTS, UPSERT_ROWS, user, USERS } from './schema';
import { expectedBookSums, expectedGroups, expectedTags } from './setup';
import type { AuthorGroup, Contender, OptionalStep, StreamSums } from './types';

/** Thrown when a contender returns the wrong rows: the run stops, a benchmark of wrong answers is worthless. */
export class WrongResult extends Error {}

function expect(condition: boolean, step: string, contender: string, what: string): void {
  if (!condition) throw new WrongResult(`${contender} / ${step}: ${what}`);
}

/** One workload step: untimed preparation, the timed call, untimed verification and cleanup. */
export interface Step {
  name: string;
  /** Heavy steps get fewer rounds. */
  heavy?: boolean;
  /** The contender method a step needs when not every contender has it. */
  needs?: OptionalStep;
  /**
   * Calls per round for a step of one small statement: a single call of a few hundred microseconds is mostly
   * timer and event-loop noise, so such a step times `calls` calls back to back and reports the time per call.
   * `run` then gets the call's index, and `verify` the list of results.
   */
  calls?: number;
  /**
   * Calls to warm up with before the measured rounds (in rounds of `calls`), where the usual warm-up rounds are
   * too few: V8 optimizes each function of a call path on its own once it has run enough, and a library's path
   * of many small functions reaches its optimized state only after some thousands of calls (keelson's update by
   * key: 28 µs a call for its first 2,700 calls on better-sqlite3, 20.5 µs from then on). A web service's hot
   * path runs that often within seconds: these steps measure it warm, for every contender alike.
   */
  warmupCalls?: number;
  prepare?(admin: Knex, round: number): Promise<unknown>;
  run(c: Contender, prepared: unknown, round: number, call: number): Promise<unknown>;
  verify(c: Contender, result: unknown, prepared: unknown, admin: Knex, round: number): Promise<void>;
  cleanup?(admin: Knex): Promise<void>;
}

/** Calls per round of the small steps. */
export const CALLS = 100;
/** Calls per round of the 200-row select: a single call of a few milliseconds is mostly noise on a shared machine. */
export const SELECT_CALLS = 10;
/** Warm-up calls of the small steps (see `Step.warmupCalls`), and of the 200-row select. */
export const WARMUP_CALLS = 4000;
export const SELECT_WARMUP_CALLS = 1000;

/** Runs one round of `step` for `c`: prepared, timed, verified and cleaned up; resolves to the time per call in µs. */
export async function runRound(step: Step, c: Contender, admin: Knex, round: number): Promise<number> {
  const state = step.prepare ? await step.prepare(admin, round) : undefined;
  const calls = step.calls ?? 1;
  const results = new Array<unknown>(calls);
  // A heavy step's timing must not include collecting what the previous round and its check left (see heap.ts).
  if (step.heavy) collectGarbage();
  const start = process.hrtime.bigint();
  for (let k = 0; k < calls; k++) results[k] = await step.run(c, state, round, k);
  const perCall = Number(process.hrtime.bigint() - start) / 1000 / calls;
  await step.verify(c, step.calls ? results : results[0], state, admin, round);
  if (step.cleanup) await step.cleanup(admin);
  return perCall;
}

/** Why contender `c` sits out `step` ('n/a' for a missing method), or undefined when it runs it. */
export function lacking(step: Step, c: Contender): string | undefined {
  if (!step.needs) return undefined;
  return c.lacks?.[step.needs] ?? (typeof c[step.needs] === 'function' ? undefined : 'n/a');
}

/** Rows per fetch of the streaming step, for every API that takes a size. */
export const STREAM_CHUNK = 1000;

const removeInserted = async (admin: Knex) => {
  await admin('bench_users').where('id', '>', USERS).delete();
};

/** The key the `k`th call of a round reads: spread over the table. */
const idOf = (round: number, k: number) => 1 + ((round * 7919 + k * 37) % USERS);

const newUsers = (n: number, round: number) => Array.from({ length: n }, (_, i) => ({ ...user(USERS + 1 + i), name: `new-${round}-${i}` }));

/** The workload, in the order the issue lists it. */
export const STEPS: Step[] = [
  {
    name: 'insert 1 row',
    calls: CALLS,
    warmupCalls: WARMUP_CALLS,
    run: (c, _p, round, k) => c.insertOne({ ...user(USERS + 1 + k), name: `new-${round}-${k}` }),
    async verify(c, ids, _p, admin, round) {
      const list = ids as number[];
      const rows = await admin('bench_users').whereIn('id', list).select('id', 'name');
      const byId = new Map(rows.map((r: { id: number; name: string }) => [r.id, r.name]));
      expect(
        list.every((id, k) => typeof id === 'number' && byId.get(id) === `new-${round}-${k}`),
        this.name,
        c.name,
        'the ids returned do not hold the new rows',
      );
    },
    cleanup: removeInserted,
  },
  {
    name: 'insert 10 rows',
    run: (c, _p, round) => c.insertTen(newUsers(10, round)),
    async verify(c, ids, _p, admin, round) {
      const list = ids as number[];
      const rows = await admin('bench_users').whereIn('id', list).select('id', 'name');
      const byId = new Map(rows.map((r: { id: number; name: string }) => [r.id, r.name]));
      expect(
        list.length === 10 && list.every((id, i) => byId.get(id) === `new-${round}-${i}`),
        this.name,
        c.name,
        'ids do not match the inserted rows in order',
      );
    },
    cleanup: removeInserted,
  },
  {
    name: 'bulk insert 10,000 rows',
    heavy: true,
    run: (c) => c.bulkInsert(Array.from({ length: 10_000 }, (_, i) => ({ name: `bulk-${i}`, value: i }))),
    async verify(c, count, _p, admin) {
      const [{ n }] = await admin('bench_bulk').count({ n: '*' });
      expect(count === 10_000 && Number(n) === 10_000, this.name, c.name, `${String(count)} reported, ${String(n)} in the table`);
    },
    cleanup: async (admin) => {
      await admin('bench_bulk').delete();
    },
  },
  {
    name: 'select 200 (where, order, limit)',
    calls: SELECT_CALLS,
    warmupCalls: SELECT_WARMUP_CALLS,
    run: (c) => c.select200(40),
    async verify(c, results, _p, admin) {
      const want = JSON.stringify(
        await admin('bench_users')
          .where('age', '>=', 40)
          .orderBy([{ column: 'name' }, { column: 'id' }])
          .limit(200)
          .select('id', 'name', 'email', 'age'),
      );
      const wrong = (results as unknown[][]).findIndex((rows) => rows.length !== 200 || JSON.stringify(rows.map((r) => c.readUser(r))) !== want);
      expect(wrong === -1, this.name, c.name, `call ${wrong}: rows differ from the reference query`);
    },
  },
  {
    name: 'select 10,000 hydrated',
    heavy: true,
    run: (c) => c.selectAll(),
    async verify(c, rows) {
      const list = rows as unknown[];
      const sample = c.readUser(list[list.length >> 1]);
      expect(list.length === USERS && typeof sample.name === 'string' && typeof sample.age === 'number', this.name, c.name, `${list.length} rows`);
    },
  },
  {
    name: 'get by id',
    calls: CALLS,
    warmupCalls: WARMUP_CALLS,
    run: (c, _p, round, k) => c.getById(idOf(round, k)),
    async verify(c, entities, _p, _a, round) {
      const got = (entities as unknown[]).map((e) => c.readUser(e));
      const wrong = got.findIndex((g, k) => g.id !== idOf(round, k) || g.name !== user(idOf(round, k)).name);
      expect(wrong === -1, this.name, c.name, `call ${wrong} got ${JSON.stringify(got[wrong])}`);
    },
  },
  {
    name: 'update by id',
    calls: CALLS,
    warmupCalls: WARMUP_CALLS,
    run: (c, _p, round, k) => c.updateById(USERS, `updated-${c.name}-${round}-${k}@example.com`),
    async verify(c, _r, _p, admin, round) {
      const row = await admin('bench_users').where('id', USERS).first();
      expect(row?.email === `updated-${c.name}-${round}-${CALLS - 1}@example.com`, this.name, c.name, `email is ${String(row?.email)}`);
    },
  },
  {
    name: 'delete by id',
    calls: CALLS,
    warmupCalls: WARMUP_CALLS,
    async prepare(admin) {
      const rows = await admin('bench_users')
        .insert(Array.from({ length: CALLS }, (_, k) => user(USERS + 1 + k)))
        .returning('id');
      return rows.map((row: { id: number }) => row.id);
    },
    run: (c, ids, _round, k) => c.deleteById((ids as number[])[k]),
    async verify(c, _r, ids, admin) {
      const left = await admin('bench_users')
        .whereIn('id', ids as number[])
        .count({ n: '*' });
      expect(Number(left[0].n) === 0, this.name, c.name, `${String(left[0].n)} rows still there`);
    },
    cleanup: removeInserted,
  },
  {
    name: `${PARENTS} parents with children`,
    run: (c) => c.parentsWithChildren(Array.from({ length: PARENTS }, (_, i) => i + 1)),
    async verify(c, rows) {
      const parents = await Promise.all((rows as unknown[]).map((r) => c.readChildren(r)));
      const ok =
        parents.length === PARENTS && parents.every((p) => p.titles.length === POSTS_PER_PARENT && p.titles.every((t) => t.startsWith(`post-${p.id}-`)));
      expect(ok, this.name, c.name, 'parents or children wrong');
    },
  },
  {
    name: `${TAGGED_POSTS} posts with tags (m2m)`,
    run: (c) => c.postsWithTags(Array.from({ length: TAGGED_POSTS }, (_, i) => i + 1)),
    async verify(c, rows) {
      const posts = await Promise.all((rows as unknown[]).map((r) => c.readTags(r)));
      const ok = posts.length === TAGGED_POSTS && posts.every((p) => JSON.stringify([...p.tags].sort()) === JSON.stringify(expectedTags(p.id)));
      expect(ok, this.name, c.name, 'posts or tags wrong');
    },
  },
  {
    name: 'aggregate per group (10,000 groups)',
    heavy: true,
    run: (c) => c.aggregatePerAuthor(),
    async verify(c, result) {
      const groups = result as AuthorGroup[];
      const want = expectedGroups();
      const ok =
        groups.length === want.size &&
        groups.every((g) => {
          const w = want.get(g.author);
          return w !== undefined && g.n === w.n && typeof g.avgPages === 'number' && Math.abs(g.avgPages - w.avgPages) < 1e-9;
        });
      expect(ok, this.name, c.name, `${groups.length} groups, first ${JSON.stringify(groups[0])}`);
    },
  },
  {
    name: 'stream 100,000 rows',
    heavy: true,
    needs: 'streamBooks',
    run: (c) => c.streamBooks!(STREAM_CHUNK),
    async verify(c, result) {
      const got = result as StreamSums;
      const want = expectedBookSums();
      const ok = got.count === want.count && got.idSum === want.idSum && got.pagesSum === want.pagesSum;
      expect(ok, this.name, c.name, `read ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    },
  },
  {
    name: 'upsert 1,000 rows (half exist)',
    needs: 'upsertCodes',
    async prepare(admin) {
      await admin('bench_codes').delete();
      const existing = Array.from({ length: UPSERT_ROWS / 2 }, (_, k) => ({ code: code(2 * k), name: `old-${2 * k}`, value: -1 }));
      await admin.batchInsert('bench_codes', existing, 250);
    },
    run: (c, _p, round) => c.upsertCodes!(Array.from({ length: UPSERT_ROWS }, (_, i) => ({ code: code(i), name: `new-${i}`, value: round * UPSERT_ROWS + i }))),
    async verify(c, count, _p, admin, round) {
      const rows: { code: string; name: string; value: number }[] = await admin('bench_codes').orderBy('code').select('code', 'name', 'value');
      // Existing rows keep their name (only `value` is updated); new rows carry theirs.
      const ok =
        count === UPSERT_ROWS &&
        rows.length === UPSERT_ROWS &&
        rows.every((r, i) => r.code === code(i) && r.name === `${i % 2 === 0 ? 'old' : 'new'}-${i}` && r.value === round * UPSERT_ROWS + i);
      expect(ok, this.name, c.name, `${String(count)} reported, ${rows.length} rows, first ${JSON.stringify(rows[0])}`);
    },
    cleanup: async (admin) => {
      await admin('bench_codes').delete();
    },
  },
];

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { book, BOOKS, ddl, PARENTS, POSTS_PER_PARENT, TAGGED_POSTS, TAGS, TAGS_PER_POST, user, USERS } from './schema';
import type { Db, Env } from './types';

/** PostgreSQL for the bench: `KEELSON_BENCH_PG`, else `KEELSON_TEST_PG`, else the local server. */
export const PG_URL = process.env.KEELSON_BENCH_PG || process.env.KEELSON_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Where the SQLite file lives: `KEELSON_BENCH_SQLITE_DIR`, else memory-backed `/dev/shm` where there is one, else
 * the temporary folder. On a disk, the fsync of every commit made a write step's time the disk's more than the
 * library's: the same contender's bulk insert took 26 to 64 ms from one call to the next while its CPU time
 * stayed within a tenth. Every contender writes to the same file, so none is favoured.
 */
const SQLITE_DIR = process.env.KEELSON_BENCH_SQLITE_DIR || (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** A prepared database: the environment contenders connect to, an admin handle for untimed work, and cleanup. */
export interface Prepared {
  env: Env;
  admin: Knex;
  dispose(): Promise<void>;
}

/** A Knex handle of one connection on the bench tables of `env`, for the untimed work (preparing, checking, cleaning up). */
export function adminFor(env: Env): Knex {
  return env.db === 'postgres'
    ? knexFactory({ client: 'pg', connection: env.pgUrl, searchPath: [env.schema], pool: { min: 1, max: 1 } })
    : knexFactory({ client: 'sqlite3', connection: { filename: env.sqliteFile }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
}

/** Creates the bench tables in a fresh PostgreSQL schema or SQLite file and loads the fixed data set. */
export async function prepare(db: Db): Promise<Prepared> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(SQLITE_DIR, 'keelson-bench-'));
  const env: Env = { db, pgUrl: PG_URL, schema, sqliteFile: path.join(dir, 'bench.db') };
  const admin = adminFor(env);
  if (db === 'postgres') await admin.raw(`create schema "${schema}"`);
  else await admin.raw('PRAGMA journal_mode = WAL');
  for (const statement of ddl(db)) await admin.raw(statement);
  await admin.transaction(async (trx) => {
    await trx.batchInsert(
      'bench_users',
      Array.from({ length: USERS }, (_, i) => user(i + 1)),
      500,
    );
    const posts = [];
    for (let u = 1; u <= PARENTS; u++)
      for (let j = 0; j < POSTS_PER_PARENT; j++) posts.push({ user_id: u, title: `post-${u}-${j}`, body: `body of post ${u}-${j}` });
    await trx.batchInsert('bench_posts', posts, 500);
    await trx.batchInsert(
      'bench_tags',
      Array.from({ length: TAGS }, (_, i) => ({ name: `tag-${String(i + 1).padStart(2, '0')}` })),
      500,
    );
    const links = [];
    for (let p = 1; p <= TAGGED_POSTS; p++) for (let k = 0; k < TAGS_PER_POST; k++) links.push({ post_id: p, tag_id: ((p + k * 7) % TAGS) + 1 });
    await trx.batchInsert('bench_posttags', links, 500);
    await trx.batchInsert(
      'bench_books',
      Array.from({ length: BOOKS }, (_, i) => book(i + 1)),
      500,
    );
  });
  if (db === 'postgres') await admin.raw('analyze');
  return {
    env,
    admin,
    async dispose() {
      if (db === 'postgres') await admin.raw(`drop schema "${schema}" cascade`);
      await admin.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The tags post `p` carries (1-based ids), as the data set defines them. */
export function expectedTags(p: number): string[] {
  return Array.from({ length: TAGS_PER_POST }, (_, k) => `tag-${String(((p + k * 7) % TAGS) + 1).padStart(2, '0')}`).sort();
}

/** Per author id: the number of books and their average pages, as the data set defines them. */
export function expectedGroups(): Map<number, { n: number; avgPages: number }> {
  const sums = new Map<number, { n: number; pages: number }>();
  for (let i = 1; i <= BOOKS; i++) {
    const b = book(i);
    const s = sums.get(b.author_id) ?? { n: 0, pages: 0 };
    s.n++;
    s.pages += b.pages;
    sums.set(b.author_id, s);
  }
  return new Map([...sums].map(([author, s]) => [author, { n: s.n, avgPages: s.pages / s.n }]));
}

/** Count, sum of ids and sum of pages of every book (ids 1..BOOKS in a fresh table). */
export function expectedBookSums(): { count: number; idSum: number; pagesSum: number } {
  let pagesSum = 0;
  for (let i = 1; i <= BOOKS; i++) pagesSum += book(i).pages;
  return { count: BOOKS, idSum: (BOOKS * (BOOKS + 1)) / 2, pagesSum };
}

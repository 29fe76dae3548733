import { Client } from 'pg';
import Cursor from 'pg-cursor';
import * as sqlite3 from 'sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import type { AuthorGroup, Contender, Db, Env, NewBulk, NewCode, NewUser, StreamSums } from '../lib/types';
import { groupBy, rowReaders } from '../lib/row-readers';

type Row = Record<string, any>;

/** A minimal promise face over either driver: the floor every ORM is measured against. */
interface Driver {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  /** The first row of a statement that returns one (better-sqlite3 reads it alone: `get()`, as its documentation shows). */
  one(sql: string, params?: unknown[]): Promise<Row | undefined>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number; lastId?: number }>;
  /** Calls `visit` on each row without holding them all: a server-side cursor read `chunk` rows at a time, or a stepped statement. */
  each(sql: string, chunk: number, visit: (row: Row) => void): Promise<void>;
  close(): Promise<void>;
  /** `$1` on PostgreSQL, `?` on SQLite. */
  p(i: number): string;
  /** Most rows per multi-row INSERT of two columns. */
  batch: number;
}

async function pgDriver(env: Env): Promise<Driver> {
  const client = new Client({ connectionString: env.pgUrl });
  await client.connect();
  await client.query(`set search_path to "${env.schema}"`);
  return {
    all: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    one: async (sql, params) => (await client.query(sql, params as unknown[])).rows[0],
    run: async (sql, params) => ({ changes: (await client.query(sql, params as unknown[])).rowCount ?? 0 }),
    async each(sql, chunk, visit) {
      const cursor = client.query(new Cursor(sql));
      try {
        for (let rows = await cursor.read(chunk); rows.length; rows = await cursor.read(chunk)) for (const row of rows) visit(row);
      } finally {
        await cursor.close();
      }
    },
    close: () => client.end(),
    p: (i) => `$${i}`,
    batch: 10_000,
  };
}

async function sqliteDriver(env: Env): Promise<Driver> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(env.sqliteFile, (err) => (err ? reject(err) : resolve(d)));
  });
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<{ changes: number; lastId?: number }>((resolve, reject) =>
      db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastId: this.lastID });
      }),
    );
  await run('PRAGMA foreign_keys = ON');
  return {
    all: (sql, params = []) => new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as Row[])))),
    one: (sql, params = []) => new Promise((resolve, reject) => db.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as Row | undefined)))),
    run,
    each: (sql, _chunk, visit) =>
      new Promise((resolve, reject) =>
        db.each(
          sql,
          (err, row) => (err ? reject(err) : visit(row as Row)),
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    close: () => new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve()))),
    p: () => '?',
    batch: 500,
  };
}

/** better-sqlite3, synchronous: each SQL text prepared once and kept, as a careful service does. */
async function betterSqliteDriver(env: Env): Promise<Driver> {
  const db = new BetterSqlite3(env.sqliteFile);
  db.pragma('foreign_keys = ON');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return {
    all: async (sql, params = []) => prepare(sql).all(...params) as Row[],
    one: async (sql, params = []) => prepare(sql).get(...params) as Row | undefined,
    async run(sql, params = []) {
      const { changes, lastInsertRowid } = prepare(sql).run(...params);
      return { changes, lastId: Number(lastInsertRowid) };
    },
    async each(sql, _chunk, visit) {
      for (const row of prepare(sql).iterate()) visit(row as Row);
    },
    close: async () => void db.close(),
    p: () => '?',
    batch: 500,
  };
}

const placeholders = (d: Driver, count: number, width: number) =>
  Array.from({ length: count }, (_, r) => `(${Array.from({ length: width }, (_, c) => d.p(r * width + c + 1)).join(', ')})`).join(', ');

/** Raw `pg` / `sqlite3` (or `better-sqlite3`) with hand-written SQL: the floor. */
export class RawContender implements Contender {
  private d!: Driver;

  constructor(
    readonly name: string,
    private readonly sqlite: 'sqlite3' | 'better-sqlite3' = 'sqlite3',
    readonly dbs?: Db[],
  ) {}

  async open(env: Env): Promise<void> {
    this.d = env.db === 'postgres' ? await pgDriver(env) : this.sqlite === 'sqlite3' ? await sqliteDriver(env) : await betterSqliteDriver(env);
  }

  close(): Promise<void> {
    return this.d.close();
  }

  async insertOne(u: NewUser): Promise<number> {
    const row = await this.d.one(`insert into bench_users (name, email, age) values (${this.d.p(1)}, ${this.d.p(2)}, ${this.d.p(3)}) returning id`, [
      u.name,
      u.email,
      u.age,
    ]);
    return row!.id;
  }

  async insertTen(users: NewUser[]): Promise<number[]> {
    const rows = await this.d.all(
      `insert into bench_users (name, email, age) values ${placeholders(this.d, users.length, 3)} returning id`,
      users.flatMap((u) => [u.name, u.email, u.age]),
    );
    return rows.map((r) => r.id);
  }

  /** Multi-row statements of at most `batch` rows, in one transaction; resolves to the rows changed. */
  private async batched<R>(rows: R[], sql: (count: number) => string, params: (row: R) => unknown[]): Promise<number> {
    // One statement needs no transaction of its own.
    if (rows.length <= this.d.batch) return (await this.d.run(sql(rows.length), rows.flatMap(params))).changes;
    let count = 0;
    await this.d.run('begin');
    try {
      for (let i = 0; i < rows.length; i += this.d.batch) {
        const part = rows.slice(i, i + this.d.batch);
        count += (await this.d.run(sql(part.length), part.flatMap(params))).changes;
      }
      await this.d.run('commit');
    } catch (error) {
      await this.d.run('rollback');
      throw error;
    }
    return count;
  }

  bulkInsert(rows: NewBulk[]): Promise<number> {
    return this.batched(
      rows,
      (n) => `insert into bench_bulk (name, value) values ${placeholders(this.d, n, 2)}`,
      (r) => [r.name, r.value],
    );
  }

  select200(minAge: number): Promise<unknown[]> {
    return this.d.all(`select id, name, email, age from bench_users where age >= ${this.d.p(1)} order by name, id limit 200`, [minAge]);
  }

  selectAll(): Promise<unknown[]> {
    return this.d.all('select id, name, email, age from bench_users');
  }

  async getById(id: number): Promise<unknown> {
    return this.d.one(`select id, name, email, age from bench_users where id = ${this.d.p(1)}`, [id]);
  }

  async updateById(id: number, email: string): Promise<void> {
    await this.d.run(`update bench_users set email = ${this.d.p(1)} where id = ${this.d.p(2)}`, [email, id]);
  }

  async deleteById(id: number): Promise<void> {
    await this.d.run(`delete from bench_users where id = ${this.d.p(1)}`, [id]);
  }

  private inList(ids: number[]): string {
    return ids.map((_, i) => this.d.p(i + 1)).join(', ');
  }

  async parentsWithChildren(ids: number[]): Promise<unknown[]> {
    const users = await this.d.all(`select id, name, email, age from bench_users where id in (${this.inList(ids)})`, ids);
    const posts = await this.d.all(`select id, user_id, title, body from bench_posts where user_id in (${this.inList(ids)})`, ids);
    const byUser = groupBy(posts, 'user_id');
    for (const u of users) u.posts = byUser.get(u.id) ?? [];
    return users;
  }

  async postsWithTags(ids: number[]): Promise<unknown[]> {
    const posts = await this.d.all(`select id, user_id, title, body from bench_posts where id in (${this.inList(ids)})`, ids);
    const tags = await this.d.all(
      `select t.id, t.name, pt.post_id from bench_tags t join bench_posttags pt on pt.tag_id = t.id where pt.post_id in (${this.inList(ids)})`,
      ids,
    );
    const byPost = groupBy(tags, 'post_id');
    for (const p of posts) p.tags = byPost.get(p.id) ?? [];
    return posts;
  }

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    const rows = await this.d.all('select author_id, count(*) as n, avg(pages) as avg_pages from bench_books group by author_id');
    // pg reads count (bigint) and avg (numeric) as strings.
    return rows.map((r) => ({ author: r.author_id, n: Number(r.n), avgPages: Number(r.avg_pages) }));
  }

  async streamBooks(chunkSize: number): Promise<StreamSums> {
    const sums = { count: 0, idSum: 0, pagesSum: 0 };
    await this.d.each('select id, author_id, title, pages from bench_books', chunkSize, (row) => {
      sums.count++;
      sums.idSum += row.id;
      sums.pagesSum += row.pages;
    });
    return sums;
  }

  upsertCodes(rows: NewCode[]): Promise<number> {
    return this.batched(
      rows,
      (n) => `insert into bench_codes (code, name, value) values ${placeholders(this.d, n, 3)} on conflict (code) do update set value = excluded.value`,
      (r) => [r.code, r.name, r.value],
    );
  }

  readUser = rowReaders.readUser;
  readChildren = rowReaders.readChildren;
  readTags = rowReaders.readTags;
}

export const raw = new RawContender('raw');
/** Raw better-sqlite3: the floor for keelson on its optional synchronous SQLite driver. */
export const rawBetterSqlite = new RawContender('raw (better-sqlite3)', 'better-sqlite3', ['sqlite']);

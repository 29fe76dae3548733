import * as path from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser, OptionalStep, StreamSums } from '../lib/types';
import { groupBy, rowReaders } from '../lib/row-readers';

type Row = Record<string, any>;

/** Raw Knex query builder: what keelson builds on, without the ORM. */
export class KnexContender implements Contender {
  readonly name = 'knex';
  private k!: Knex;
  lacks: Partial<Record<OptionalStep, string>> = {};

  async open(env: Env): Promise<void> {
    // Knex streams PostgreSQL rows through pg-query-stream, an optional package of its own (bench/ installs it).
    this.lacks = env.db === 'postgres' && !resolvable('pg-query-stream', path.dirname(require.resolve('knex'))) ? { streamBooks: 'no pg-query-stream' } : {};
    this.k =
      env.db === 'postgres'
        ? knexFactory({ client: 'pg', connection: env.pgUrl, searchPath: [env.schema], pool: { min: 1, max: 1 } })
        : knexFactory({ client: 'sqlite3', connection: { filename: env.sqliteFile }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await this.k.raw('select 1');
  }

  close(): Promise<void> {
    return this.k.destroy();
  }

  async insertOne(u: NewUser): Promise<number> {
    const [row] = await this.k('bench_users').insert(u).returning('id');
    return row.id;
  }

  async insertTen(users: NewUser[]): Promise<number[]> {
    return (await this.k('bench_users').insert(users).returning('id')).map((r: Row) => r.id);
  }

  async bulkInsert(rows: NewBulk[]): Promise<number> {
    // batchInsert chunks and wraps the chunks in one transaction.
    await this.k.batchInsert('bench_bulk', rows, this.k.client.config.client === 'pg' ? 5000 : 500);
    return rows.length;
  }

  select200(minAge: number): Promise<unknown[]> {
    return this.k('bench_users')
      .select('id', 'name', 'email', 'age')
      .where('age', '>=', minAge)
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(200);
  }

  selectAll(): Promise<unknown[]> {
    return this.k('bench_users').select('id', 'name', 'email', 'age');
  }

  getById(id: number): Promise<unknown> {
    return this.k('bench_users').select('id', 'name', 'email', 'age').where('id', id).first();
  }

  async updateById(id: number, email: string): Promise<void> {
    await this.k('bench_users').where('id', id).update({ email });
  }

  async deleteById(id: number): Promise<void> {
    await this.k('bench_users').where('id', id).delete();
  }

  async parentsWithChildren(ids: number[]): Promise<unknown[]> {
    const users: Row[] = await this.k('bench_users').select('id', 'name', 'email', 'age').whereIn('id', ids);
    const posts: Row[] = await this.k('bench_posts').select('id', 'user_id', 'title', 'body').whereIn('user_id', ids);
    const byUser = groupBy(posts, 'user_id');
    for (const u of users) u.posts = byUser.get(u.id) ?? [];
    return users;
  }

  async postsWithTags(ids: number[]): Promise<unknown[]> {
    const posts: Row[] = await this.k('bench_posts').select('id', 'user_id', 'title', 'body').whereIn('id', ids);
    const tags: Row[] = await this.k('bench_tags as t')
      .join('bench_posttags as pt', 'pt.tag_id', 't.id')
      .whereIn('pt.post_id', ids)
      .select('t.id', 't.name', 'pt.post_id');
    const byPost = groupBy(tags, 'post_id');
    for (const p of posts) p.tags = byPost.get(p.id) ?? [];
    return posts;
  }

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    const rows: Row[] = await this.k('bench_books').select('author_id').count({ n: '*' }).avg({ avg_pages: 'pages' }).groupBy('author_id');
    return rows.map((r) => ({ author: r.author_id, n: Number(r.n), avgPages: Number(r.avg_pages) }));
  }

  async streamBooks(chunkSize: number): Promise<StreamSums> {
    const sums = { count: 0, idSum: 0, pagesSum: 0 };
    // batchSize is pg-query-stream's rows per cursor read; SQLite steps the statement row by row.
    for await (const row of this.k('bench_books').select('id', 'author_id', 'title', 'pages').stream({ batchSize: chunkSize })) {
      sums.count++;
      sums.idSum += (row as Row).id;
      sums.pagesSum += (row as Row).pages;
    }
    return sums;
  }

  async upsertCodes(rows: NewCode[]): Promise<number> {
    const upsert = (k: Knex, part: NewCode[]) => k('bench_codes').insert(part).onConflict('code').merge(['value']);
    if (this.k.client.config.client === 'pg') {
      await upsert(this.k, rows);
      return rows.length;
    }
    // Knex writes a SQLite multi-row insert as `select … union all select …`, at most 500 terms: chunks in one transaction.
    await this.k.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await upsert(trx, rows.slice(i, i + 500));
    });
    return rows.length;
  }

  readUser = rowReaders.readUser;
  readChildren = rowReaders.readChildren;
  readTags = rowReaders.readTags;
}

export const knex = new KnexContender();

/** Whether `name` resolves from directory `from`. */
function resolvable(name: string, from: string): boolean {
  try {
    require.resolve(name, { paths: [from] });
    return true;
  } catch {
    return false;
  }
}

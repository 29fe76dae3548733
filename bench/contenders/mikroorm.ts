/**
 * MikroORM 6 (unit of work + identity map) over the shared bench tables.
 *
 * Entities are plain classes described by `EntitySchema` definitions with explicit types, so no
 * metadata provider package (`@mikro-orm/reflection`) is needed. Every step runs in its own
 * `orm.em.fork()`, as a request-scoped application would, so the identity map never serves an
 * entity loaded by an earlier call.
 *
 * Calls per step:
 * - insertOne / insertTen: `em.create` + `em.persistAndFlush` (unit of work; the flush batches the
 *   ten rows into one multi-row INSERT ... RETURNING inside a transaction).
 * - bulkInsert: `em.insertMany` (MikroORM's bulk path for plain data, one multi-row INSERT).
 * - select200: `em.find(User, { age: { $gte } }, { orderBy, limit })`; selectAll: `em.findAll(User)`.
 * - getById: `em.findOne(User, id)`.
 * - updateById: `em.nativeUpdate(User, { id }, { email })` (a single UPDATE, no load + flush).
 * - deleteById: `em.nativeDelete(User, { id })`.
 * - parentsWithChildren / postsWithTags: `em.find(X, ids, { populate: [...] })` with the default
 *   load strategy of MikroORM 6 for SQL drivers (`joined`: one query with a LEFT JOIN).
 * - aggregatePerAuthor: the query builder, `select([..., raw('count(*) as n')]).groupBy(...)`, raw rows.
 * - upsertCodes: `em.upsertMany(Code, rows, { onConflictFields, onConflictAction: 'merge', onConflictMergeFields })`.
 * - streamBooks: none (em.stream() is MikroORM 7).
 */
import { Collection, EntitySchema, MikroORM, raw } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { readers } from '../lib/row-readers';

type Row = Record<string, any>;
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser, StartupContender } from '../lib/types';

export class MUser {
  id!: number;
  name!: string;
  email!: string;
  age!: number;
  posts!: Collection<MPost>;
}

export class MPost {
  id!: number;
  user!: MUser;
  title!: string;
  body!: string;
  tags!: Collection<MTag>;
}

export class MTag {
  id!: number;
  name!: string;
}

export class MBulk {
  id!: number;
  name!: string;
  value!: number;
}

const UserSchema = new EntitySchema<MUser>({
  class: MUser,
  tableName: 'bench_users',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    name: { type: 'string', length: 100 },
    email: { type: 'string', length: 200 },
    age: { type: 'number' },
    posts: { kind: '1:m', entity: () => MPost, mappedBy: 'user' },
  },
});

const PostSchema = new EntitySchema<MPost>({
  class: MPost,
  tableName: 'bench_posts',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => MUser, fieldName: 'user_id' },
    title: { type: 'string', length: 200 },
    body: { type: 'text' },
    // bench_posttags also has its own serial `id`; MikroORM's generated pivot entity maps only the
    // two FK columns, which is all a read needs.
    tags: {
      kind: 'm:n',
      entity: () => MTag,
      owner: true,
      pivotTable: 'bench_posttags',
      joinColumn: 'post_id',
      inverseJoinColumn: 'tag_id',
    },
  },
});

const TagSchema = new EntitySchema<MTag>({
  class: MTag,
  tableName: 'bench_tags',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    name: { type: 'string', length: 50 },
  },
});

const BulkSchema = new EntitySchema<MBulk>({
  class: MBulk,
  tableName: 'bench_bulk',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    name: { type: 'string', length: 100 },
    value: { type: 'number' },
  },
});

export class MBook {
  id!: number;
  author!: MUser;
  title!: string;
  pages!: number;
}

export class MCode {
  id!: number;
  code!: string;
  name!: string;
  value!: number;
}

const BookSchema = new EntitySchema<MBook>({
  class: MBook,
  tableName: 'bench_books',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    author: { kind: 'm:1', entity: () => MUser, fieldName: 'author_id' },
    title: { type: 'string', length: 200 },
    pages: { type: 'number' },
  },
});

const CodeSchema = new EntitySchema<MCode>({
  class: MCode,
  tableName: 'bench_codes',
  properties: {
    id: { type: 'number', primary: true, autoincrement: true },
    code: { type: 'string', length: 20, unique: true },
    name: { type: 'string', length: 100 },
    value: { type: 'number' },
  },
});

let orm: MikroORM | undefined;

function em() {
  if (!orm) throw new Error('mikroorm: open() first');
  return orm.em.fork();
}

export const mikroorm: Contender = {
  name: 'mikroorm',

  async open(env: Env) {
    const common = {
      entities: [UserSchema, PostSchema, TagSchema, BulkSchema, BookSchema, CodeSchema],
      discovery: { disableDynamicFileAccess: true },
      pool: { min: 1, max: 1 },
      debug: false,
      ensureDatabase: false,
      allowGlobalContext: false,
    };
    orm =
      env.db === 'postgres'
        ? await MikroORM.init({ ...common, driver: PostgreSqlDriver, clientUrl: env.pgUrl, schema: env.schema })
        : await MikroORM.init({ ...common, driver: BetterSqliteDriver, dbName: env.sqliteFile });
  },

  async close() {
    const o = orm;
    orm = undefined;
    await o?.close(true);
  },

  async insertOne(user: NewUser) {
    const e = em();
    const entity = e.create(MUser, user);
    await e.persistAndFlush(entity);
    return entity.id;
  },

  async insertTen(users: NewUser[]) {
    const e = em();
    const entities = users.map((u) => e.create(MUser, u));
    await e.persistAndFlush(entities);
    return entities.map((u) => u.id);
  },

  async bulkInsert(rows: NewBulk[]) {
    // One multi-row INSERT (20,000 parameters: under SQLite's 32,766 and PostgreSQL's 65,535). For plain
    // data, insertMany resolves to `[firstId]` only (the driver result has no `insertedIds` here), so
    // the count is the number of rows the (all-or-nothing) statement was given.
    await em().insertMany(MBulk, rows);
    return rows.length;
  },

  select200(minAge: number) {
    return em().find(MUser, { age: { $gte: minAge } }, { orderBy: { name: 'asc', id: 'asc' }, limit: 200 });
  },

  selectAll() {
    return em().findAll(MUser);
  },

  getById(id: number) {
    return em().findOne(MUser, id);
  },

  async updateById(id: number, email: string) {
    await em().nativeUpdate(MUser, { id }, { email });
  },

  async deleteById(id: number) {
    await em().nativeDelete(MUser, { id });
  },

  parentsWithChildren(ids: number[]) {
    return em().find(MUser, ids, { populate: ['posts'] });
  },

  postsWithTags(ids: number[]) {
    return em().find(MPost, ids, { populate: ['tags'] });
  },

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    // Both drivers are SQL drivers: their entity manager has the query builder.
    const rows: Row[] = await (em() as SqlEntityManager)
      .createQueryBuilder(MBook, 'b')
      .select(['b.author', raw('count(*) as n'), raw('avg(b.pages) as avg_pages')])
      .groupBy('b.author')
      .execute('all', false);
    return rows.map((r) => ({ author: r.author_id, n: Number(r.n), avgPages: Number(r.avg_pages) }));
  },

  // No streamBooks: em.stream() arrived in MikroORM 7; 6.6 has no streaming read.

  async upsertCodes(rows: NewCode[]) {
    // upsertMany: multi-row INSERT … ON CONFLICT, in batches of the `batchSize` setting (default 300).
    const written = await em().upsertMany(MCode, rows, { onConflictFields: ['code'], onConflictAction: 'merge', onConflictMergeFields: ['value'] });
    return written.length;
  },

  ...readers(
    (u) => (u.posts as { getItems(): Row[] }).getItems(),
    (p) => (p.tags as { getItems(): Row[] }).getItems(),
  ),
};

/**
 * Start-up: n entities declared programmatically as EntitySchemas (entity i has a ManyToOne to entity
 * i + 1, the last one back to entity 0; every even entity has a ManyToMany to the next one, which makes
 * MikroORM synthesize a pivot entity), then `MikroORM.init` over SQLite ':memory:' runs discovery only
 * (`connect: false`, no schema creation) and the ORM is closed.
 */
export const mikroormStartup: StartupContender = {
  name: 'mikroorm',

  async startup(n: number) {
    const name = (i: number) => `StartupEntity${i}`;
    const schemas: EntitySchema[] = [];
    for (let i = 0; i < n; i++) {
      const next = name((i + 1) % n);
      const properties: Record<string, any> = {
        id: { type: 'number', primary: true, autoincrement: true },
        label: { type: 'string', length: 100 },
        next: { kind: 'm:1', entity: next },
      };
      if (i % 2 === 0) properties.links = { kind: 'm:n', entity: next, owner: true };
      schemas.push(new EntitySchema({ name: name(i), tableName: `startup_${i}`, properties }));
    }
    const o = await MikroORM.init({
      driver: BetterSqliteDriver,
      dbName: ':memory:',
      entities: schemas,
      discovery: { disableDynamicFileAccess: true },
      connect: false,
      ensureDatabase: false,
      debug: false,
    });
    const tables = Object.keys(o.getMetadata().getAll()).length;
    if (tables !== n + Math.ceil(n / 2)) throw new Error(`mikroorm startup: ${tables} entities, expected ${n + Math.ceil(n / 2)}`);
    await o.close(true);
  },
};

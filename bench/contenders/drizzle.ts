/**
 * Drizzle ORM 0.45 on the shared bench tables.
 *
 * PostgreSQL: `drizzle-orm/node-postgres` over a single `pg` Client (one connection, search_path set to the
 * env's schema). SQLite: `drizzle-orm/better-sqlite3` over `better-sqlite3` (Drizzle has no driver for the
 * `sqlite3` package), `PRAGMA foreign_keys = ON`. The tables are `pgTable` / `sqliteTable` definitions
 * matching bench/lib/schema.ts; nothing is ever migrated.
 *
 * Calls per step:
 * - insertOne: `insert(users).values(placeholders).returning({ id }).prepare()`, executed per call (Drizzle's
 *   documented fast path for repeated queries: a named server-side statement on PostgreSQL, a cached
 *   better-sqlite3 statement on SQLite).
 * - insertTen: `insert(users).values(rows).returning({ id })` (one multi-row INSERT).
 * - bulkInsert: `db.transaction(tx => tx.insert(bulk).values(chunk))`, chunks of 1,000 rows (2 parameters a
 *   row, under both databases' limits); better-sqlite3 transactions are synchronous, hence `.run()` there.
 * - select200: `select().from(users).where(gte(age)).orderBy(name, id).limit(200)`; selectAll: `select().from(users)`.
 * - getById / updateById / deleteById: prepared `select … where id = placeholder`, `update … set email`,
 *   `delete … where id`.
 * - parentsWithChildren / postsWithTags: the relational query API, `db.query.users.findMany({ where, with:
 *   { posts: true } })` and `db.query.posts.findMany({ where, with: { postTags: { with: { tag: true } } } })`
 *   (many-to-many goes through the junction's relations in Drizzle's relational queries).
 * - aggregatePerAuthor: `select({ author, n: count(), avgPages: avg(pages) }).from(books).groupBy(authorId)`
 *   (`avg` comes back as a string, converted to a number).
 * - upsertCodes: `insert(codes).values(rows).onConflictDoUpdate({ target: code, set: { value: excluded.value } })`,
 *   one statement (3,000 parameters, under both limits).
 * - streamBooks: none. Drizzle 0.45's `.iterator()` exists only on its MySQL/SingleStore drivers; neither
 *   node-postgres nor better-sqlite3 prepared queries have a streaming read.
 */
import { avg, count, eq, gte, inArray, relations, sql, type Column, type Table } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { integer as pgInteger, pgTable, serial, text as pgText, varchar } from 'drizzle-orm/pg-core';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { Client } from 'pg';
import { readers } from '../lib/row-readers';
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser } from '../lib/types';

type Row = Record<string, unknown>;

type SqliteDb = BetterSqlite3.Database;

/**
 * The relations the eager-loading steps read (users → posts, posts ↔ tags through bench_posttags), over either
 * database's tables: the same columns by the same names.
 */
function benchRelations<
  U extends Table & { id: Column },
  P extends Table & { id: Column; userId: Column },
  T extends Table & { id: Column },
  PT extends Table & { postId: Column; tagId: Column },
>(users: U, posts: P, tags: T, postTags: PT) {
  return {
    usersRelations: relations(users, ({ many }) => ({ posts: many(posts) })),
    postsRelations: relations(posts, ({ one, many }) => ({
      user: one(users, { fields: [posts.userId], references: [users.id] }),
      postTags: many(postTags),
    })),
    tagsRelations: relations(tags, ({ many }) => ({ postTags: many(postTags) })),
    postTagsRelations: relations(postTags, ({ one }) => ({
      post: one(posts, { fields: [postTags.postId], references: [posts.id] }),
      tag: one(tags, { fields: [postTags.tagId], references: [tags.id] }),
    })),
  };
}

// ---- PostgreSQL tables ----

const pgUsers = pgTable('bench_users', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 100 }).notNull(),
  email: varchar('email', { length: 200 }).notNull(),
  age: pgInteger('age').notNull(),
});
const pgPosts = pgTable('bench_posts', {
  id: serial('id').primaryKey(),
  userId: pgInteger('user_id')
    .notNull()
    .references(() => pgUsers.id),
  title: varchar('title', { length: 200 }).notNull(),
  body: pgText('body').notNull(),
});
const pgTags = pgTable('bench_tags', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 50 }).notNull(),
});
const pgPostTags = pgTable('bench_posttags', {
  id: serial('id').primaryKey(),
  postId: pgInteger('post_id')
    .notNull()
    .references(() => pgPosts.id),
  tagId: pgInteger('tag_id')
    .notNull()
    .references(() => pgTags.id),
});
const pgBulk = pgTable('bench_bulk', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 100 }).notNull(),
  value: pgInteger('value').notNull(),
});
const pgBooks = pgTable('bench_books', {
  id: serial('id').primaryKey(),
  authorId: pgInteger('author_id')
    .notNull()
    .references(() => pgUsers.id),
  title: varchar('title', { length: 200 }).notNull(),
  pages: pgInteger('pages').notNull(),
});
const pgCodes = pgTable('bench_codes', {
  id: serial('id').primaryKey(),
  code: varchar('code', { length: 20 }).notNull().unique(),
  name: varchar('name', { length: 100 }).notNull(),
  value: pgInteger('value').notNull(),
});

const pgSchema = {
  users: pgUsers,
  posts: pgPosts,
  tags: pgTags,
  postTags: pgPostTags,
  bulk: pgBulk,
  books: pgBooks,
  codes: pgCodes,
  ...benchRelations(pgUsers, pgPosts, pgTags, pgPostTags),
};

// ---- SQLite tables ----

const sqUsers = sqliteTable('bench_users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name', { length: 100 }).notNull(),
  email: text('email', { length: 200 }).notNull(),
  age: integer('age').notNull(),
});
const sqPosts = sqliteTable('bench_posts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id')
    .notNull()
    .references(() => sqUsers.id),
  title: text('title', { length: 200 }).notNull(),
  body: text('body').notNull(),
});
const sqTags = sqliteTable('bench_tags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name', { length: 50 }).notNull(),
});
const sqPostTags = sqliteTable('bench_posttags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  postId: integer('post_id')
    .notNull()
    .references(() => sqPosts.id),
  tagId: integer('tag_id')
    .notNull()
    .references(() => sqTags.id),
});
const sqBulk = sqliteTable('bench_bulk', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name', { length: 100 }).notNull(),
  value: integer('value').notNull(),
});
const sqBooks = sqliteTable('bench_books', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  authorId: integer('author_id')
    .notNull()
    .references(() => sqUsers.id),
  title: text('title', { length: 200 }).notNull(),
  pages: integer('pages').notNull(),
});
const sqCodes = sqliteTable('bench_codes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code', { length: 20 }).notNull().unique(),
  name: text('name', { length: 100 }).notNull(),
  value: integer('value').notNull(),
});

const sqSchema = {
  users: sqUsers,
  posts: sqPosts,
  tags: sqTags,
  postTags: sqPostTags,
  bulk: sqBulk,
  books: sqBooks,
  codes: sqCodes,
  ...benchRelations(sqUsers, sqPosts, sqTags, sqPostTags),
};

/** Rows per INSERT in bulkInsert (2 parameters a row: well under PostgreSQL's 65,535 and SQLite's 32,766). */
const BULK_CHUNK = 1000;

/** The timed steps, one implementation per database (the table objects and transaction styles differ). */
type Steps = Pick<
  Contender,
  | 'insertOne'
  | 'insertTen'
  | 'bulkInsert'
  | 'select200'
  | 'selectAll'
  | 'getById'
  | 'updateById'
  | 'deleteById'
  | 'parentsWithChildren'
  | 'postsWithTags'
  | 'aggregatePerAuthor'
  | 'upsertCodes'
>;

const toGroups = (rows: { author: number; n: number; avgPages: string | null }[]): AuthorGroup[] =>
  rows.map((r) => ({ author: r.author, n: Number(r.n), avgPages: Number(r.avgPages) }));

function pgSteps(client: Client): Steps {
  const db = drizzlePg(client, { schema: pgSchema });
  const { users, posts, bulk, books, codes } = pgSchema;
  const insertOne = db
    .insert(users)
    .values({ name: sql.placeholder('name'), email: sql.placeholder('email'), age: sql.placeholder('age') })
    .returning({ id: users.id })
    .prepare('drizzle_insert_one');
  const getById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('drizzle_get_by_id');
  const updateById = db
    .update(users)
    .set({ email: sql.placeholder('email') as unknown as string })
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('drizzle_update_by_id');
  const deleteById = db
    .delete(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('drizzle_delete_by_id');
  return {
    async insertOne(u: NewUser) {
      const [row] = await insertOne.execute({ name: u.name, email: u.email, age: u.age });
      return row.id;
    },
    async insertTen(list: NewUser[]) {
      return (await db.insert(users).values(list).returning({ id: users.id })).map((r) => r.id);
    },
    async bulkInsert(rows: NewBulk[]) {
      let n = 0;
      await db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += BULK_CHUNK) n += (await tx.insert(bulk).values(rows.slice(i, i + BULK_CHUNK))).rowCount ?? 0;
      });
      return n;
    },
    select200: (minAge: number) => db.select().from(users).where(gte(users.age, minAge)).orderBy(users.name, users.id).limit(200),
    selectAll: () => db.select().from(users),
    async getById(id: number) {
      const [row] = await getById.execute({ id });
      return row;
    },
    async updateById(id: number, email: string) {
      await updateById.execute({ id, email });
    },
    async deleteById(id: number) {
      await deleteById.execute({ id });
    },
    parentsWithChildren: (ids: number[]) => db.query.users.findMany({ where: inArray(users.id, ids), with: { posts: true } }),
    postsWithTags: (ids: number[]) => db.query.posts.findMany({ where: inArray(posts.id, ids), with: { postTags: { with: { tag: true } } } }),
    async aggregatePerAuthor() {
      return toGroups(
        await db
          .select({ author: books.authorId, n: count(), avgPages: avg(books.pages) })
          .from(books)
          .groupBy(books.authorId),
      );
    },
    async upsertCodes(rows: NewCode[]) {
      const result = await db
        .insert(codes)
        .values(rows)
        .onConflictDoUpdate({ target: codes.code, set: { value: sql`excluded.value` } });
      return result.rowCount ?? 0;
    },
  };
}

function sqliteSteps(sqlite: SqliteDb): Steps {
  const db = drizzleSqlite(sqlite, { schema: sqSchema });
  const { users, posts, bulk, books, codes } = sqSchema;
  const insertOne = db
    .insert(users)
    .values({ name: sql.placeholder('name'), email: sql.placeholder('email'), age: sql.placeholder('age') })
    .returning({ id: users.id })
    .prepare();
  const getById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare();
  const updateById = db
    .update(users)
    .set({ email: sql.placeholder('email') as unknown as string })
    .where(eq(users.id, sql.placeholder('id')))
    .prepare();
  const deleteById = db
    .delete(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare();
  return {
    async insertOne(u: NewUser) {
      return insertOne.get({ name: u.name, email: u.email, age: u.age })!.id;
    },
    async insertTen(list: NewUser[]) {
      return (await db.insert(users).values(list).returning({ id: users.id })).map((r) => r.id);
    },
    async bulkInsert(rows: NewBulk[]) {
      // better-sqlite3 transactions are synchronous: the callback must not await.
      return db.transaction((tx) => {
        let n = 0;
        for (let i = 0; i < rows.length; i += BULK_CHUNK)
          n += tx
            .insert(bulk)
            .values(rows.slice(i, i + BULK_CHUNK))
            .run().changes;
        return n;
      });
    },
    select200: async (minAge: number) => db.select().from(users).where(gte(users.age, minAge)).orderBy(users.name, users.id).limit(200),
    selectAll: async () => db.select().from(users),
    async getById(id: number) {
      return getById.get({ id });
    },
    async updateById(id: number, email: string) {
      updateById.run({ id, email });
    },
    async deleteById(id: number) {
      deleteById.run({ id });
    },
    parentsWithChildren: async (ids: number[]) => db.query.users.findMany({ where: inArray(users.id, ids), with: { posts: true } }),
    postsWithTags: async (ids: number[]) => db.query.posts.findMany({ where: inArray(posts.id, ids), with: { postTags: { with: { tag: true } } } }),
    async aggregatePerAuthor() {
      return toGroups(
        await db
          .select({ author: books.authorId, n: count(), avgPages: avg(books.pages) })
          .from(books)
          .groupBy(books.authorId),
      );
    },
    async upsertCodes(rows: NewCode[]) {
      return db
        .insert(codes)
        .values(rows)
        .onConflictDoUpdate({ target: codes.code, set: { value: sql`excluded.value` } })
        .run().changes;
    },
  };
}

/** Drizzle ORM: its query builder, prepared statements and relational queries. */
export class DrizzleContender implements Contender {
  readonly name = 'drizzle';
  private steps!: Steps;
  private closeDb: () => Promise<void> = async () => {};

  async open(env: Env): Promise<void> {
    if (env.db === 'postgres') {
      const client = new Client({ connectionString: env.pgUrl });
      await client.connect();
      await client.query(`set search_path to "${env.schema}"`);
      this.steps = pgSteps(client);
      this.closeDb = () => client.end();
    } else {
      const sqlite = new BetterSqlite3(env.sqliteFile);
      sqlite.pragma('foreign_keys = ON');
      this.steps = sqliteSteps(sqlite);
      this.closeDb = async () => {
        sqlite.close();
      };
    }
  }

  async close(): Promise<void> {
    const close = this.closeDb;
    this.closeDb = async () => {};
    await close();
  }

  insertOne(u: NewUser): Promise<number> {
    return this.steps.insertOne(u);
  }
  insertTen(users: NewUser[]): Promise<number[]> {
    return this.steps.insertTen(users);
  }
  bulkInsert(rows: NewBulk[]): Promise<number> {
    return this.steps.bulkInsert(rows);
  }
  select200(minAge: number): Promise<unknown[]> {
    return this.steps.select200(minAge);
  }
  selectAll(): Promise<unknown[]> {
    return this.steps.selectAll();
  }
  getById(id: number): Promise<unknown> {
    return this.steps.getById(id);
  }
  updateById(id: number, email: string): Promise<unknown> {
    return this.steps.updateById(id, email);
  }
  deleteById(id: number): Promise<unknown> {
    return this.steps.deleteById(id);
  }
  parentsWithChildren(ids: number[]): Promise<unknown[]> {
    return this.steps.parentsWithChildren(ids);
  }
  postsWithTags(ids: number[]): Promise<unknown[]> {
    return this.steps.postsWithTags(ids);
  }
  aggregatePerAuthor(): Promise<AuthorGroup[]> {
    return this.steps.aggregatePerAuthor();
  }
  upsertCodes(rows: NewCode[]): Promise<number> {
    return this.steps.upsertCodes!(rows);
  }

  // No streamBooks: see the header (no streaming read on either Drizzle driver used here).

  private static readers = readers(
    (u) => (u.posts as Row[] | undefined) ?? [],
    (p) => ((p.postTags as Row[] | undefined) ?? []).map((pt) => pt.tag as Row),
  );
  readUser = DrizzleContender.readers.readUser;
  readChildren = DrizzleContender.readers.readChildren;
  readTags = DrizzleContender.readers.readTags;
}

export const drizzle: Contender = new DrizzleContender();

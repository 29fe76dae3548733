/**
 * Objection 3 (models over knex) on the shared bench tables.
 *
 * The models extend a private base class bound to this contender's knex instance (`Base.knex(k)`),
 * so the global `Model` is never touched.
 *
 * Calls per step:
 * - insertOne: `User.query().insert(user)` (returns the model with its id).
 * - insertTen: PostgreSQL `User.query().insert(users)` (one multi-row INSERT ... RETURNING "id").
 *   Objection refuses multi-row inserts elsewhere ("batch insert only works with Postgresql and SQL
 *   Server"), so on SQLite the ten `insert`s run one by one inside `User.transaction`.
 * - bulkInsert: PostgreSQL `Bulk.query().insert(rows)` (one INSERT of 10,000 rows, RETURNING ids);
 *   on SQLite, for the reason above, the route Objection's docs give for batch inserts there:
 *   knex through the model, `Bulk.knex().batchInsert(Bulk.tableName, rows, 500)` (chunks of 500
 *   rows in one transaction, since knex compiles a SQLite multi-row insert to `select ... union all`
 *   and SQLite allows at most 500 compound terms; no model instances are built).
 * - select200: `User.query().where('age', '>=', n).orderBy('name').orderBy('id').limit(200)`.
 * - selectAll: `User.query()`; getById: `User.query().findById(id)`.
 * - updateById: `User.query().findById(id).patch({ email })` (a single UPDATE; patchAndFetchById
 *   would add a SELECT).
 * - deleteById: `User.query().deleteById(id)`.
 * - parentsWithChildren / postsWithTags: `query().findByIds(ids).withGraphFetched('posts' | 'tags')`
 *   (one query per level: parents, then children WHERE fk IN (...)).
 * - aggregatePerAuthor: `Book.query().select('author_id').count(...).avg(...).groupBy('author_id')`.
 * - upsertCodes: PostgreSQL `Code.query().insert(rows).onConflict('code').merge(['value'])`; SQLite: knex
 *   through the model, chunks of 500 in one transaction (same reason as bulkInsert).
 * - streamBooks: none (Objection has no streaming read).
 */
import knexFactory, { Knex } from 'knex';
import { Model, RelationMappings } from 'objection';
import { readers } from '../lib/row-readers';

type Row = Record<string, any>;
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser } from '../lib/types';

class Base extends Model {}

export class OUser extends Base {
  id!: number;
  name!: string;
  email!: string;
  age!: number;
  posts?: OPost[];

  static override tableName = 'bench_users';

  static override get relationMappings(): RelationMappings {
    return {
      posts: {
        relation: Model.HasManyRelation,
        modelClass: OPost,
        join: { from: 'bench_users.id', to: 'bench_posts.user_id' },
      },
    };
  }
}

export class OPost extends Base {
  id!: number;
  user_id!: number;
  title!: string;
  body!: string;
  user?: OUser;
  tags?: OTag[];

  static override tableName = 'bench_posts';

  static override get relationMappings(): RelationMappings {
    return {
      user: {
        relation: Model.BelongsToOneRelation,
        modelClass: OUser,
        join: { from: 'bench_posts.user_id', to: 'bench_users.id' },
      },
      tags: {
        relation: Model.ManyToManyRelation,
        modelClass: OTag,
        join: {
          from: 'bench_posts.id',
          through: { from: 'bench_posttags.post_id', to: 'bench_posttags.tag_id' },
          to: 'bench_tags.id',
        },
      },
    };
  }
}

export class OTag extends Base {
  id!: number;
  name!: string;

  static override tableName = 'bench_tags';
}

export class OBulk extends Base {
  id!: number;
  name!: string;
  value!: number;

  static override tableName = 'bench_bulk';
}

export class OBook extends Base {
  id!: number;
  author_id!: number;
  title!: string;
  pages!: number;

  static override tableName = 'bench_books';
}

export class OCode extends Base {
  id!: number;
  code!: string;
  name!: string;
  value!: number;

  static override tableName = 'bench_codes';
}

let knex: Knex | undefined;
let isPg = false;

export const objection: Contender = {
  name: 'objection',

  async open(env: Env) {
    isPg = env.db === 'postgres';
    knex = isPg
      ? knexFactory({ client: 'pg', connection: env.pgUrl, searchPath: [env.schema], pool: { min: 1, max: 1 }, debug: false })
      : knexFactory({ client: 'sqlite3', connection: { filename: env.sqliteFile }, useNullAsDefault: true, pool: { min: 1, max: 1 }, debug: false });
    Base.knex(knex);
    await knex.raw('select 1');
  },

  async close() {
    const k = knex;
    knex = undefined;
    await k?.destroy();
  },

  async insertOne(user: NewUser) {
    const row = await OUser.query().insert(user);
    return row.id;
  },

  async insertTen(users: NewUser[]) {
    if (isPg) {
      const rows = await OUser.query().insert(users);
      return rows.map((r) => r.id);
    }
    return OUser.transaction(async (trx) => {
      const ids: number[] = [];
      for (const u of users) ids.push((await OUser.query(trx).insert(u)).id);
      return ids;
    });
  },

  async bulkInsert(rows: NewBulk[]) {
    if (isPg) {
      const inserted = await OBulk.query().insert(rows);
      return inserted.length;
    }
    await OBulk.knex().batchInsert(OBulk.tableName, rows, 500);
    return rows.length;
  },

  async select200(minAge: number) {
    return await OUser.query().where('age', '>=', minAge).orderBy('name').orderBy('id').limit(200);
  },

  async selectAll() {
    return await OUser.query();
  },

  async getById(id: number) {
    return await OUser.query().findById(id);
  },

  async updateById(id: number, email: string) {
    await OUser.query().findById(id).patch({ email });
  },

  async deleteById(id: number) {
    await OUser.query().deleteById(id);
  },

  async parentsWithChildren(ids: number[]) {
    return await OUser.query().findByIds(ids).withGraphFetched('posts');
  },

  async postsWithTags(ids: number[]) {
    return await OPost.query().findByIds(ids).withGraphFetched('tags');
  },

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    const rows = (await OBook.query().select('author_id').count('* as n').avg('pages as avg_pages').groupBy('author_id')) as unknown as Row[];
    return rows.map((r) => ({ author: r.author_id, n: Number(r.n), avgPages: Number(r.avg_pages) }));
  },

  // No streamBooks: Objection has no streaming read (its docs point to knex's).

  async upsertCodes(rows: NewCode[]) {
    if (isPg) {
      await OCode.query().insert(rows).onConflict('code').merge(['value']);
      return rows.length;
    }
    // As bulkInsert: multi-row inserts go through knex on SQLite, 500 rows a statement, in one transaction.
    await OCode.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        await OCode.knex()(OCode.tableName)
          .transacting(trx)
          .insert(rows.slice(i, i + 500))
          .onConflict('code')
          .merge(['value']);
      }
    });
    return rows.length;
  },

  ...readers(
    (u) => u.posts ?? [],
    (p) => p.tags ?? [],
  ),
};

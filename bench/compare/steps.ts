import type * as Keelson from '../../lib';

type Lib = typeof Keelson;
type AnyModel = Keelson.BaseModel & Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- two builds' classes, typed by neither
type Managed = { query: any };

/** One build's models on its own in-memory SQLite database, with 1,000 users and 500 posts. */
export interface Env {
  registry: Keelson.Registry;
  User: Managed;
  Post: Managed;
  users: AnyModel[];
}

/** Declares the two models on `lib` without decorator syntax (each build has its own decorators) and fills them. */
export async function openEnv(lib: Lib, tag: string): Promise<Env> {
  const { BaseModel, Field, ForeignKey, Model, Registry } = lib;
  const registry = new Registry('sqlite::memory:');
  class User extends BaseModel {}
  Field({ type: 'string', maxLength: 100 })(User.prototype, 'name');
  Field({ type: 'integer' })(User.prototype, 'age');
  Model({ registry, tablename: `compare_users_${tag}` })(User);
  class Post extends BaseModel {}
  ForeignKey(() => User, { relatedName: 'posts' })(Post.prototype, 'user');
  Field({ type: 'string', maxLength: 200 })(Post.prototype, 'title');
  Model({ registry, tablename: `compare_posts_${tag}` })(Post);
  await registry.createAll();
  const U = User as unknown as Managed;
  const users: AnyModel[] = await U.query.bulkCreate(Array.from({ length: 1000 }, (_, i) => ({ name: `u${i}`, age: i % 90 })));
  const posts = users.slice(0, 100).flatMap((user) => Array.from({ length: 5 }, (_, j) => ({ user, title: `t${j}` })));
  await (Post as unknown as Managed).query.bulkCreate(posts);
  return { registry, User: U, Post: Post as unknown as Managed, users };
}

/** A step: its name, calls per timed block, and one call. */
export type Step = [name: string, calls: number, run: (env: Env, i: number) => Promise<unknown>];

/** The small, frequent operations of a service, each through the public API. */
export const STEPS: Step[] = [
  ['get by id', 500, (e, i) => e.User.query.get({ id: e.users[i % 1000].pk })],
  [
    'filter, order, limit 20',
    250,
    (e, i) =>
      e.User.query
        .filter({ age__gte: i % 80 })
        .orderBy('name', 'id')
        .limit(20)
        .fetch(),
  ],
  ['filter across a foreign key', 250, (e, i) => e.Post.query.filter({ user__name: `u${i % 100}` }).fetch()],
  ['queryset update by id', 250, (e, i) => e.User.query.filter({ id: e.users[i % 1000].pk }).update({ age: i % 90 })],
  [
    'instance save',
    250,
    async (e, i) => {
      const user = e.users[i % 1000];
      user.age = ((user.age as number) + 1) % 90;
      await user.save();
    },
  ],
  ['create', 250, (e, i) => e.Post.query.create({ user: e.users[i % 100], title: 'x' })],
  ['count', 500, (e, i) => e.User.query.filter({ age__lt: i % 90 }).count()],
  ['values, 11 rows', 250, (e, i) => e.User.query.filter({ age: i % 90 }).values('name', 'age')],
  [
    'prefetch posts of 10 users',
    50,
    (e, i) =>
      e.User.query
        .filter({ id__lte: 10 + (i % 3) })
        .prefetchRelated('posts')
        .fetch(),
  ],
];

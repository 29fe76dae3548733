import { BaseModel, Field, ForeignKey, Manager, ManyToMany, Model, Registry } from '../../../lib';
import type { ManyRelation, Relation, RelatedManager } from '../../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../../support/servers';
// In scope so declaration output can name the brand the models' inferred types carry.
import { BASE } from '../../../lib/metadata/inheritance';
export { BASE };

/** Seed rows of the expression suites; every expected value is computed from these. */
export const AUTHORS: { name: string; rating: number | null }[] = [
  { name: 'ann', rating: 4 },
  { name: 'bob', rating: null },
  { name: 'cid', rating: 30 },
  { name: 'dee', rating: 7 },
];

export interface PostRow {
  author: number;
  title: string;
  views: number;
  likes: number;
  score: number;
  price: string;
  day: string;
  rank: number | null;
  tags: number[];
}

export const TAGS = ['red', 'green', 'blue'];

export const POSTS: PostRow[] = [
  { author: 0, title: 'a1', views: 10, likes: 3, score: 1.5, price: '10.25', day: '2024-01-05', rank: 2, tags: [0, 1] },
  { author: 0, title: 'a2', views: 50, likes: 60, score: 2.25, price: '3.10', day: '2024-03-01', rank: null, tags: [0] },
  { author: 1, title: 'b1', views: 5, likes: 5, score: 0.5, price: '7.00', day: '2023-12-31', rank: 1, tags: [] },
  { author: 2, title: 'c1', views: 70, likes: 20, score: 3.75, price: '1.05', day: '2024-02-10', rank: null, tags: [0, 1, 2] },
  { author: 2, title: 'c2', views: 20, likes: 25, score: 1.25, price: '2.50', day: '2024-02-11', rank: 3, tags: [2] },
  { author: 2, title: 'c3', views: 31, likes: 10, score: 4.0, price: '0.99', day: '2024-02-12', rank: 5, tags: [1] },
];

/** [post index, author index (the commenter), stars] */
export const COMMENTS: [number, number, number][] = [
  [0, 1, 5],
  [0, 2, 3],
  [0, 1, 4],
  [1, 3, 2],
  [3, 0, 5],
  [3, 3, 1],
  [4, 0, 4],
];

/** The models of one suite, on one database, in tables of their own. */
function defineModels(url: string) {
  const registry = new Registry(url);
  const tablePrefix = uniqueName('ex');

  @Model({ registry, tablePrefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    @Field({ maxLength: 20 }) name!: string;
  }

  @Model({ registry, tablePrefix })
  class Author extends BaseModel {
    declare static query: Manager<Author>;
    @Field({ maxLength: 20 }) name!: string;
    @Field({ type: 'integer', nullable: true }) rating!: number | null;
    declare posts: RelatedManager<Post>;
    declare comments: RelatedManager<Comment>;
  }

  @Model({ registry, tablePrefix })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field({ maxLength: 20 }) title!: string;
    @Field() views!: number;
    @Field() likes!: number;
    @Field({ type: 'float' }) score!: number;
    @Field({ type: 'decimal', precision: 8, scale: 2 }) price!: string;
    @Field({ type: 'datetime' }) day!: Date;
    @Field({ type: 'integer', nullable: true }) rank!: number | null;
    @ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'posts' }) author!: Relation<Author>;
    @ManyToMany(() => Tag, { relatedName: 'posts' }) tags!: ManyRelation<Tag>;
    declare comments: RelatedManager<Comment>;
  }

  @Model({ registry, tablePrefix })
  class Comment extends BaseModel {
    declare static query: Manager<Comment>;
    @Field() stars!: number;
    @ForeignKey(() => Post, { onDelete: 'CASCADE', relatedName: 'comments' }) post!: Relation<Post>;
    @ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'comments' }) author!: Relation<Author>;
  }

  /** Creates the tables and the seed rows. */
  async function seed(): Promise<void> {
    await registry.createAll();
    const tags: Tag[] = [];
    for (const name of TAGS) tags.push(await Tag.query.create({ name }));
    const authors: Author[] = [];
    for (const a of AUTHORS) authors.push(await Author.query.create(a));
    const posts: Post[] = [];
    for (const p of POSTS) {
      const post = await Post.query.create({
        title: p.title,
        views: p.views,
        likes: p.likes,
        score: p.score,
        price: p.price,
        day: new Date(`${p.day}T12:00:00Z`),
        rank: p.rank,
        author: authors[p.author],
      });
      if (p.tags.length) await post.tags.add(...p.tags.map((t) => tags[t]));
      posts.push(post);
    }
    for (const [p, a, stars] of COMMENTS) await Comment.query.create({ post: posts[p], author: authors[a], stars });
  }

  /** Drops the tables and closes the connection. */
  async function teardown(): Promise<void> {
    await registry.dropAll();
    await registry.disconnect();
  }

  return { registry, Tag, Author, Post, Comment, seed, teardown };
}

/** The models one suite body gets. */
export type Models = ReturnType<typeof defineModels>;

/** Runs `body` once per database (SQLite always; PostgreSQL and MariaDB when their servers answer), seeded. */
export function eachDialect(title: string, body: (m: Models, dialect: string) => void): void {
  for (const { name, url, label } of DIALECT_URLS) {
    const suite = () => {
      const models = defineModels(url);
      beforeAll(() => models.seed());
      afterAll(() => models.teardown());
      body(models, name);
    };
    if (name === 'sqlite') describe(`${title} on ${label}`, suite);
    else describeWithServer(`${title} on ${label}`, url, suite);
  }
}

/** Sum of numbers. */
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
/** Posts of author `i`. */
export const postsOf = (i: number): PostRow[] => POSTS.filter((p) => p.author === i);
/** Comments on posts of author `i`. */
export const commentsOnPostsOf = (i: number) => COMMENTS.filter(([p]) => POSTS[p].author === i);
/** Comments written by author `i`. */
export const commentsBy = (i: number) => COMMENTS.filter(([, a]) => a === i);
/** Decimal strings added exactly (in cents). */
export const decimalSum = (xs: string[]): string => (sum(xs.map((x) => Math.round(Number(x) * 100))) / 100).toFixed(2);

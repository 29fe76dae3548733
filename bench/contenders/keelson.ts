import { Avg, BaseModel, Count, Field, ForeignKey, Manager, ManyToMany, Model, Registry } from '../../lib';
import type { ManyRelation, Relation, RelatedManager } from '../../lib';
import type { AuthorGroup, Contender, Db, Env, NewBulk, NewCode, NewUser, StartupContender, StreamSums } from '../lib/types';
import { declareModels } from '../registry/declare';

/** The bench schema declared as keelson models on a registry. */
function declare(registry: Registry) {
  @Model({ registry, tablename: 'bench_users' })
  class BenchUser extends BaseModel {
    declare static query: Manager<BenchUser>;
    declare posts: RelatedManager<BenchPost>;
    @Field({ maxLength: 100 }) name!: string;
    @Field({ maxLength: 200 }) email!: string;
    @Field() age!: number;
  }

  @Model({ registry, tablename: 'bench_posts' })
  class BenchPost extends BaseModel {
    declare static query: Manager<BenchPost>;
    @ForeignKey(() => BenchUser, { relatedName: 'posts' }) user!: Relation<BenchUser>;
    @Field({ maxLength: 200 }) title!: string;
    @Field({ type: 'text' }) body!: string;
    @ManyToMany(() => BenchTag, { through: () => BenchPostTag, relatedName: 'posts' }) tags!: ManyRelation<BenchTag>;
  }

  @Model({ registry, tablename: 'bench_tags' })
  class BenchTag extends BaseModel {
    declare static query: Manager<BenchTag>;
    @Field({ maxLength: 50 }) name!: string;
  }

  @Model({ registry, tablename: 'bench_posttags' })
  class BenchPostTag extends BaseModel {
    @ForeignKey(() => BenchPost, { relatedName: false }) post!: Relation<BenchPost>;
    @ForeignKey(() => BenchTag, { relatedName: false }) tag!: Relation<BenchTag>;
  }

  @Model({ registry, tablename: 'bench_bulk' })
  class BenchBulk extends BaseModel {
    declare static query: Manager<BenchBulk>;
    @Field({ maxLength: 100 }) name!: string;
    @Field() value!: number;
  }

  @Model({ registry, tablename: 'bench_books' })
  class BenchBook extends BaseModel {
    declare static query: Manager<BenchBook>;
    @ForeignKey(() => BenchUser, { relatedName: 'books' }) author!: Relation<BenchUser>;
    @Field({ maxLength: 200 }) title!: string;
    @Field() pages!: number;
  }

  @Model({ registry, tablename: 'bench_codes' })
  class BenchCode extends BaseModel {
    declare static query: Manager<BenchCode>;
    @Field({ maxLength: 20, unique: true }) code!: string;
    @Field({ maxLength: 100 }) name!: string;
    @Field() value!: number;
  }

  return { BenchUser, BenchPost, BenchTag, BenchBulk, BenchBook, BenchCode };
}

type Models = ReturnType<typeof declare>;

/** keelson with its idiomatic API: managers, querysets, prefetchRelated. */
export class KeelsonContender implements Contender {
  private registry!: Registry;
  private m!: Models;

  constructor(
    readonly name: string,
    private readonly sqliteScheme: 'sqlite' | 'sqlite+better-sqlite3' = 'sqlite',
    readonly dbs?: Db[],
    readonly floor?: string,
  ) {}

  async open(env: Env): Promise<void> {
    this.registry =
      env.db === 'postgres' ? new Registry(`${env.pgUrl}?pool_max=1`, { schema: env.schema }) : new Registry(`${this.sqliteScheme}://${env.sqliteFile}`);
    this.m = declare(this.registry);
    await this.registry.connect();
  }

  close(): Promise<void> {
    return this.registry.disconnect();
  }

  async insertOne(u: NewUser): Promise<number> {
    return (await this.m.BenchUser.query.create(u)).pk;
  }

  async insertTen(users: NewUser[]): Promise<number[]> {
    return (await this.m.BenchUser.query.bulkCreate(users)).map((u) => u.pk);
  }

  async bulkInsert(rows: NewBulk[]): Promise<number> {
    return (await this.m.BenchBulk.query.bulkCreate(rows)).length;
  }

  select200(minAge: number): Promise<unknown[]> {
    return this.m.BenchUser.query.filter({ age__gte: minAge }).orderBy('name', 'id').limit(200).fetch();
  }

  selectAll(): Promise<unknown[]> {
    return this.m.BenchUser.query.all().fetch();
  }

  getById(id: number): Promise<unknown> {
    return this.m.BenchUser.query.get({ pk: id });
  }

  // The count's promise as it is (as the other contenders hand theirs over): no await layer of the bench's own.
  updateById(id: number, email: string): Promise<number> {
    return this.m.BenchUser.query.filter({ pk: id }).update({ email });
  }

  deleteById(id: number): Promise<number> {
    return this.m.BenchUser.query.filter({ pk: id }).delete();
  }

  parentsWithChildren(ids: number[]): Promise<unknown[]> {
    return this.m.BenchUser.query.filter({ pk__in: ids }).prefetchRelated('posts').fetch();
  }

  postsWithTags(ids: number[]): Promise<unknown[]> {
    return this.m.BenchPost.query.filter({ pk__in: ids }).prefetchRelated('tags').fetch();
  }

  aggregatePerAuthor(): Promise<AuthorGroup[]> {
    return this.m.BenchBook.query
      .values('author')
      .annotate({ n: Count(), avgPages: Avg('pages') })
      .fetch() as Promise<unknown[]> as Promise<AuthorGroup[]>;
  }

  async streamBooks(chunkSize: number): Promise<StreamSums> {
    const sums = { count: 0, idSum: 0, pagesSum: 0 };
    for await (const book of this.m.BenchBook.query.iterate({ chunkSize })) {
      sums.count++;
      sums.idSum += book.pk;
      sums.pagesSum += book.pages;
    }
    return sums;
  }

  async upsertCodes(rows: NewCode[]): Promise<number> {
    return (await this.m.BenchCode.query.bulkCreate(rows, { updateConflicts: true, uniqueFields: ['code'], updateFields: ['value'] })).length;
  }

  readUser(e: unknown) {
    const u = e as InstanceType<Models['BenchUser']>;
    return { id: u.pk, name: u.name, email: u.email, age: u.age };
  }

  // Prefetched managers answer from memory: these reads send no query.
  async readChildren(e: unknown) {
    const u = e as InstanceType<Models['BenchUser']>;
    return { id: u.pk, titles: (await u.posts.all()).map((p) => p.title) };
  }

  async readTags(e: unknown) {
    const p = e as InstanceType<Models['BenchPost']>;
    return { id: p.pk, tags: (await p.tags.all()).map((t) => t.name) };
  }
}

export const keelson = new KeelsonContender('keelson');
/** keelson on its optional synchronous SQLite driver (`sqlite+better-sqlite3://`). */
export const keelsonBetterSqlite = new KeelsonContender('keelson (better-sqlite3)', 'sqlite+better-sqlite3', ['sqlite'], 'raw (better-sqlite3)');

/** Registry start-up: declare, resolve and build metadata for n models. */
export const keelsonStartup: StartupContender = {
  name: 'keelson',
  async startup(n: number) {
    declareModels(n);
  },
};

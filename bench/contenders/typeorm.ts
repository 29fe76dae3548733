import 'reflect-metadata';
import {
  Column,
  DataSource,
  Entity,
  getMetadataArgsStorage,
  In,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  MoreThanOrEqual,
  OneToMany,
  PrimaryGeneratedColumn,
  Repository,
} from 'typeorm';
import { rowReaders } from '../lib/row-readers';
import type { AuthorGroup, Contender, Env, NewBulk, NewCode, NewUser, OptionalStep, StartupContender, StreamSums } from '../lib/types';

// The bench tables as TypeORM entities. The schema (PostgreSQL) comes from the DataSource's `schema`
// option, so one set of classes serves both databases. Nothing is ever synchronized.

@Entity('bench_users')
export class TUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 200 }) email!: string;
  @Column({ type: 'integer' }) age!: number;
  @OneToMany(() => TPost, (post) => post.user) posts!: TPost[];
}

@Entity('bench_tags')
export class TTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 50 }) name!: string;
}

@Entity('bench_posts')
export class TPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'user_id', type: 'integer' }) userId!: number;
  @ManyToOne(() => TUser, (user) => user.posts, { nullable: false })
  @JoinColumn({ name: 'user_id' })
  user!: TUser;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'text' }) body!: string;
  // bench_posttags also has its own `id` column; TypeORM's junction only uses the two FK columns.
  @ManyToMany(() => TTag)
  @JoinTable({ name: 'bench_posttags', joinColumn: { name: 'post_id' }, inverseJoinColumn: { name: 'tag_id' } })
  tags!: TTag[];
}

@Entity('bench_bulk')
export class TBulk {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'integer' }) value!: number;
}

@Entity('bench_books')
export class TBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'author_id', type: 'integer' }) authorId!: number;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'integer' }) pages!: number;
}

@Entity('bench_codes')
export class TCode {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 20, unique: true }) code!: string;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'integer' }) value!: number;
}

/** Rows per `insert()` statement in bulkInsert (2 parameters a row: well under both drivers' limits). */
const BULK_CHUNK = 1000;

/** TypeORM with its idiomatic Repository API. */
export class TypeormContender implements Contender {
  readonly name = 'typeorm';
  private ds!: DataSource;
  private users!: Repository<TUser>;
  private posts!: Repository<TPost>;
  private bulk!: Repository<TBulk>;
  lacks: Partial<Record<OptionalStep, string>> = {};

  async open(env: Env): Promise<void> {
    const common = { entities: [TUser, TPost, TTag, TBulk, TBook, TCode], synchronize: false, logging: false };
    this.ds =
      env.db === 'postgres'
        ? new DataSource({ ...common, type: 'postgres', url: env.pgUrl, schema: env.schema, poolSize: 1 })
        : // better-sqlite3 is a single synchronous connection (no pool option).
          new DataSource({ ...common, type: 'better-sqlite3', database: env.sqliteFile });
    await this.ds.initialize();
    this.users = this.ds.getRepository(TUser);
    this.posts = this.ds.getRepository(TPost);
    this.bulk = this.ds.getRepository(TBulk);
    // TypeORM's sqlite drivers throw "Stream is not supported by sqlite driver".
    this.lacks = env.db === 'sqlite' ? { streamBooks: 'n/a' } : {};
  }

  async close(): Promise<void> {
    if (this.ds?.isInitialized) await this.ds.destroy();
  }

  async insertOne(u: NewUser): Promise<number> {
    return (await this.users.save(this.users.create(u))).id;
  }

  async insertTen(users: NewUser[]): Promise<number[]> {
    return (await this.users.save(this.users.create(users))).map((u) => u.id);
  }

  async bulkInsert(rows: NewBulk[]): Promise<number> {
    // TypeORM's recommended bulk path is the (query-builder backed) `insert`, not `save`;
    // chunked multi-row INSERTs in one transaction.
    let count = 0;
    await this.ds.transaction(async (em) => {
      for (let i = 0; i < rows.length; i += BULK_CHUNK) {
        count += (await em.insert(TBulk, rows.slice(i, i + BULK_CHUNK))).identifiers.length;
      }
    });
    return count;
  }

  select200(minAge: number): Promise<unknown[]> {
    return this.users.find({ where: { age: MoreThanOrEqual(minAge) }, order: { name: 'ASC', id: 'ASC' }, take: 200 });
  }

  selectAll(): Promise<unknown[]> {
    return this.users.find();
  }

  getById(id: number): Promise<unknown> {
    return this.users.findOneBy({ id });
  }

  async updateById(id: number, email: string): Promise<void> {
    await this.users.update({ id }, { email });
  }

  async deleteById(id: number): Promise<void> {
    await this.users.delete({ id });
  }

  parentsWithChildren(ids: number[]): Promise<unknown[]> {
    return this.users.find({ where: { id: In(ids) }, relations: { posts: true } });
  }

  postsWithTags(ids: number[]): Promise<unknown[]> {
    return this.posts.find({ where: { id: In(ids) }, relations: { tags: true } });
  }

  async aggregatePerAuthor(): Promise<AuthorGroup[]> {
    const rows = await this.ds
      .createQueryBuilder(TBook, 'b')
      .select('b.authorId', 'author')
      .addSelect('COUNT(*)', 'n')
      .addSelect('AVG(b.pages)', 'avgPages')
      .groupBy('b.authorId')
      .getRawMany();
    return rows.map((r) => ({ author: r.author, n: Number(r.n), avgPages: Number(r.avgPages) }));
  }

  async streamBooks(): Promise<StreamSums> {
    // qb.stream(): raw rows (`b_id`, …) through pg-query-stream, which TypeORM does not let one size.
    const sums = { count: 0, idSum: 0, pagesSum: 0 };
    const stream = await this.ds.createQueryBuilder(TBook, 'b').stream();
    for await (const row of stream) {
      sums.count++;
      sums.idSum += row.b_id;
      sums.pagesSum += row.b_pages;
    }
    return sums;
  }

  async upsertCodes(rows: NewCode[]): Promise<number> {
    // Repository.upsert() overwrites every given column; the insert builder's orUpdate() (what upsert compiles to)
    // names the one to update. updateEntity(false): the rows are plain values, nothing to write ids back to.
    await this.ds.createQueryBuilder().insert().into(TCode).values(rows).orUpdate(['value'], ['code']).updateEntity(false).execute();
    return rows.length;
  }

  readUser = rowReaders.readUser;
  readChildren = rowReaders.readChildren;
  readTags = rowReaders.readTags;
}

export const typeorm: Contender = new TypeormContender();

/**
 * Start-up: declare `n` fresh entity classes (entity i has a ManyToOne to entity i + 1, the last one
 * pointing back at entity 0, and every even entity a ManyToMany with a JoinTable to the next), then build
 * a DataSource over SQLite ':memory:' and `initialize()` it (metadata build and validation, no
 * synchronize), then destroy it.
 */
export const typeormStartup: StartupContender = {
  name: 'typeorm',
  async startup(n: number): Promise<void> {
    const classes: Function[] = [];
    for (let i = 0; i < n; i++) {
      const name = `StartupEntity${i}`;
      classes.push({ [name]: class {} }[name]);
    }
    try {
      for (let i = 0; i < n; i++) {
        const cls = classes[i];
        const next = classes[(i + 1) % n];
        const proto = cls.prototype as object;
        PrimaryGeneratedColumn()(proto, 'id');
        Column({ type: 'varchar', length: 100 })(proto, 'name');
        ManyToOne(() => next)(proto, 'next');
        if (i % 2 === 0 && i + 1 < n) {
          ManyToMany(() => next)(proto, 'peers');
          JoinTable()(proto, 'peers');
        }
        Entity(`startup_${i}`)(cls);
      }
      const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: classes, synchronize: false, logging: false });
      await ds.initialize();
      try {
        const expected = n + Math.floor(n / 2);
        if (ds.entityMetadatas.length !== expected) {
          throw new Error(`typeorm startup: built ${ds.entityMetadatas.length} entity metadatas, expected ${expected}`);
        }
      } finally {
        await ds.destroy();
      }
    } finally {
      forget(new Set(classes));
    }
  },
};

/**
 * TypeORM keeps decorator arguments in a process-global storage of flat arrays that is scanned per
 * entity; drop this round's classes so later rounds start from the same state as a fresh process.
 */
function forget(targets: Set<Function>): void {
  const storage = getMetadataArgsStorage() as unknown as Record<string, unknown>;
  for (const key of Object.keys(storage)) {
    const value = storage[key];
    if (Array.isArray(value)) {
      storage[key] = value.filter((arg: { target?: unknown }) => !(arg && targets.has(arg.target as Function)));
    }
  }
}

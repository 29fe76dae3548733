/** The two databases every workload runs on. */
export type Db = 'postgres' | 'sqlite';

/** Where a contender connects: the same tables and data for everyone. */
export interface Env {
  db: Db;
  /** PostgreSQL URL (postgres://user@host:port/db); tables live in `schema`. */
  pgUrl: string;
  /** PostgreSQL schema holding the bench tables (set as the connection's search_path). */
  schema: string;
  /** Absolute path of the SQLite file holding the bench tables. */
  sqliteFile: string;
}

/** A row of bench_users as the steps create it. */
export interface NewUser {
  name: string;
  email: string;
  age: number;
}

/** A row of bench_bulk. */
export interface NewBulk {
  name: string;
  value: number;
}

/** A row the upsert step writes to bench_codes (`code` is unique; on conflict only `value` changes). */
export interface NewCode {
  code: string;
  name: string;
  value: number;
}

/** One group of the aggregate step: an author id, its number of books and their average pages, as numbers. */
export interface AuthorGroup {
  author: number;
  n: number;
  avgPages: number;
}

/** What the streaming step reports after reading every row once. */
export interface StreamSums {
  count: number;
  idSum: number;
  pagesSum: number;
}

/** The steps a contender may lack (no such API, or not yet): its column shows the reason instead of a time. */
export type OptionalStep = 'streamBooks' | 'upsertCodes';

/**
 * One ORM or driver under test. Every step method does the work the ORM's users would write for it
 * (its idiomatic API) and returns what that API returns; the `read*` helpers (never timed) turn those
 * results into plain values the harness checks.
 */
export interface Contender {
  readonly name: string;
  /** The databases it runs on, when not all (a driver of one dialect). */
  readonly dbs?: Db[];
  /** The contender its ratios are to, when not `raw` (raw on the same driver). */
  readonly floor?: string;
  /** Connects with a pool of one connection. */
  open(env: Env): Promise<void>;
  close(): Promise<void>;

  /** INSERT one bench_users row; resolves to its new id. */
  insertOne(user: NewUser): Promise<number>;
  /** INSERT ten bench_users rows; resolves to their new ids in order. */
  insertTen(users: NewUser[]): Promise<number[]>;
  /** INSERT 10,000 bench_bulk rows the way the ORM does bulk inserts; resolves to the number inserted. */
  bulkInsert(rows: NewBulk[]): Promise<number>;
  /** bench_users WHERE age >= minAge ORDER BY name, id LIMIT 200, as entities. */
  select200(minAge: number): Promise<unknown[]>;
  /** Every bench_users row (10,000) hydrated into entities. */
  selectAll(): Promise<unknown[]>;
  /** One bench_users row by id, as an entity. */
  getById(id: number): Promise<unknown>;
  /** UPDATE bench_users SET email = ? WHERE id = ? (whatever the promise resolves to is not looked at). */
  updateById(id: number, email: string): Promise<unknown>;
  /** DELETE FROM bench_users WHERE id = ? (whatever the promise resolves to is not looked at). */
  deleteById(id: number): Promise<unknown>;
  /** The users with these ids and their bench_posts children, loaded the ORM's idiomatic eager way. */
  parentsWithChildren(ids: number[]): Promise<unknown[]>;
  /** The bench_posts with these ids and their bench_tags through bench_posttags, eagerly loaded. */
  postsWithTags(ids: number[]): Promise<unknown[]>;
  /** Per author of bench_books: COUNT(*) and AVG(pages), grouped by author_id (one query), converted to numbers. */
  aggregatePerAuthor(): Promise<AuthorGroup[]>;
  /** Reads every bench_books row one by one through the API's streaming read (`chunkSize` rows fetched at a time where it takes one), never all at once. */
  streamBooks?(chunkSize: number): Promise<StreamSums>;
  /** INSERT … ON CONFLICT (code) DO UPDATE SET value: the rows, through the API's upsert; resolves to the number of rows written. */
  upsertCodes?(rows: NewCode[]): Promise<number>;
  /** Steps this contender cannot run on the opened database (set by `open`), with the reason the results print; a missing method reads as 'n/a'. */
  readonly lacks?: Partial<Record<OptionalStep, string>>;

  /** Never timed: an entity's fields. */
  readUser(entity: unknown): { id: number; name: string; email: string; age: number };
  /** Never timed: the titles of a parent's loaded children (may be async; must not query). */
  readChildren(parent: unknown): { id: number; titles: string[] } | Promise<{ id: number; titles: string[] }>;
  /** Never timed: the tag names of a post's loaded tags (may be async; must not query). */
  readTags(post: unknown): { id: number; tags: string[] } | Promise<{ id: number; tags: string[] }>;
}

/** Optional start-up measurement: declare `n` models (each with a FK to the next, every other with a M2M) and build metadata. */
export interface StartupContender {
  readonly name: string;
  startup(n: number): Promise<void>;
}

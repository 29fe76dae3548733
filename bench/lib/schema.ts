import type { Db } from './types';

/** Users in the table; the reads assume exactly this many. */
export const USERS = 10_000;
/** Parents with children: users 1..50 have 10 posts each. */
export const PARENTS = 50;
export const POSTS_PER_PARENT = 10;
/** Posts 1..30 carry 3 tags each, out of 20 tags. */
export const TAGGED_POSTS = 30;
export const TAGS = 20;
export const TAGS_PER_POST = 3;
/** Books: ten per user, read whole by the aggregate and streaming steps. */
export const BOOKS = 100_000;
/** Rows the upsert step writes (codes 0..UPSERT_ROWS - 1); the even codes exist beforehand. */
export const UPSERT_ROWS = 1000;

/** DDL of the shared tables, per database. */
export function ddl(db: Db): string[] {
  const id = db === 'postgres' ? 'serial primary key' : 'integer primary key autoincrement';
  return [
    `create table bench_users (id ${id}, name varchar(100) not null, email varchar(200) not null, age integer not null)`,
    `create index bench_users_age on bench_users (age)`,
    `create table bench_posts (id ${id}, user_id integer not null references bench_users (id), title varchar(200) not null, body text not null)`,
    `create index bench_posts_user on bench_posts (user_id)`,
    `create table bench_tags (id ${id}, name varchar(50) not null)`,
    `create table bench_posttags (id ${id}, post_id integer not null references bench_posts (id), tag_id integer not null references bench_tags (id), unique (post_id, tag_id))`,
    `create table bench_bulk (id ${id}, name varchar(100) not null, value integer not null)`,
    `create table bench_books (id ${id}, author_id integer not null references bench_users (id), title varchar(200) not null, pages integer not null)`,
    `create index bench_books_author on bench_books (author_id)`,
    `create table bench_codes (id ${id}, code varchar(20) not null unique, name varchar(100) not null, value integer not null)`,
  ];
}

/** User number i (1-based), deterministic. */
export const user = (i: number) => ({ name: `user-${String(i).padStart(5, '0')}`, email: `u${i}@example.com`, age: 18 + (i % 60) });
/** Book number i (1-based), deterministic: author 1 + (i - 1) % USERS, pages varying within each author. */
export const book = (i: number) => ({ author_id: 1 + ((i - 1) % USERS), title: `book-${i}`, pages: 100 + ((i * 7919) % 400) });
/** The unique code of upsert row i. */
export const code = (i: number) => `code-${String(i).padStart(4, '0')}`;

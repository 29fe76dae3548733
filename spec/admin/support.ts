import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MinLength } from 'class-validator';
import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry } from '../../lib';
import type { ManyRelation, Manager, ModelClass, QueryEvent, Relation } from '../../lib';
import { uniqueName } from '../support/servers';
import { createAdminHandler, type AdminOptions } from '../../lib/admin';

/** An author row (the classes are made per suite, so specs see them through these shapes). */
export interface AuthorRow extends BaseModel {
  name: string;
  apiKey?: string | null;
  role: string;
  active: boolean;
  born?: unknown;
  lastSeen?: Date | null;
}
/** A tag row. */
export interface TagRow extends BaseModel {
  name: string;
}
/** A post row. */
export interface PostRow extends BaseModel {
  title: string;
  body?: string;
  published: boolean;
  extra?: unknown;
  author: Relation<AuthorRow>;
  tags: ManyRelation<TagRow>;
}
/** A comment row. */
export interface CommentRow extends BaseModel {
  text: string;
  post: Relation<PostRow>;
}
/** The model classes of one suite. */
export interface AdminModels {
  Author: ModelClass<AuthorRow>;
  Tag: ModelClass<TagRow>;
  Post: ModelClass<PostRow>;
  Comment: ModelClass<CommentRow>;
}

/** The models the admin specs run on: authors with a secret, posts with tags, comments cascading from posts. */
export function declareModels(registry: Registry, prefix: string): AdminModels {
  @Model({ registry, tablePrefix: prefix })
  class Author extends BaseModel {
    declare static query: Manager<Author>;
    @Field({ maxLength: 80 }) name!: string;
    @Field({ type: 'string', maxLength: 80, secret: true, nullable: true }) apiKey?: string | null;
    @Field({ type: 'enum', choices: ['admin', 'editor'], default: 'editor' }) role!: string;
    @Field({ type: 'boolean', default: true }) active!: boolean;
    @Field({ type: 'date', nullable: true }) born?: unknown;
    @Field({ type: 'datetime', nullable: true }) lastSeen?: Date | null;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    @Field({ maxLength: 40, unique: true }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field({ maxLength: 200 }) @MinLength(3, { message: 'title must be at least 3 characters' }) title!: string;
    @Field({ type: 'text', nullable: true }) body?: string;
    @Field({ type: 'boolean', default: false }) published!: boolean;
    @Field({ type: 'json', nullable: true }) extra?: unknown;
    @ForeignKey(() => Author, { relatedName: 'posts', onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ManyToMany(() => Tag, { relatedName: 'posts' }) tags!: ManyRelation<Tag>;
  }

  @Model({ registry, tablePrefix: prefix })
  class Comment extends BaseModel {
    declare static query: Manager<Comment>;
    @Field({ maxLength: 200 }) text!: string;
    @ForeignKey(() => Post, { relatedName: 'comments', onDelete: 'CASCADE' }) post!: Relation<Post>;
  }
  return { Author, Tag, Post, Comment };
}

/** A response read whole. */
export interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

/** A browser-like client of one admin server: keeps the session cookie, reads CSRF tokens from pages. */
export class Client {
  cookie = '';

  constructor(readonly base: string) {}

  private async send(path: string, init: RequestInit): Promise<Reply> {
    const response = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: this.cookie } });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  /** GET a page. */
  get(path: string): Promise<Reply> {
    return this.send(path, { method: 'GET' });
  }

  /** POST a form (values as a browser sends them; arrays repeat the name). */
  post(path: string, fields: Record<string, string | string[]>): Promise<Reply> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of ([] as string[]).concat(value)) body.append(name, v);
    return this.send(path, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** GET a page and POST its form back with `fields` and the page's CSRF token. */
  async submit(pagePath: string, fields: Record<string, string | string[]>, action = pagePath): Promise<Reply> {
    const page = await this.get(pagePath);
    return this.post(action, { ...fields, csrf: csrfOf(page.text) });
  }

  /** Signs in with the password. */
  async signIn(password: string): Promise<Reply> {
    return this.submit('/login', { password });
  }
}

/** The CSRF token a page's forms carry. */
export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`No CSRF token in the page:\n${page.slice(0, 500)}`);
  return match[1];
}

/** Serves an admin on an ephemeral port of 127.0.0.1. */
export async function serve(registry: Registry, options: AdminOptions): Promise<{ server: Server; base: string; close: () => Promise<void> }> {
  const server = createServer(createAdminHandler(registry, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.basePath ?? ''}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      server.closeAllConnections();
    });
  return { server, base, close };
}

/** A signed-in admin over fresh models on one database, set up and torn down by the calling `describe`. */
export interface SignedInAdmin {
  registry: Registry;
  models: AdminModels;
  /** Every statement the registry ran (to prove a refused request sent none). */
  events: QueryEvent[];
  /** Signed in before the first test. */
  client: Client;
}

/** Registers the hooks of a `describe` that serves the admin (`pageSize` 2) over `declareModels` on `url`, signed in. */
export function signedInAdmin(url: string, prefix: string, password: string): SignedInAdmin {
  const events: QueryEvent[] = [];
  const registry = new Registry(url, { onQuery: (e) => events.push(e) });
  const admin = { registry, models: declareModels(registry, uniqueName(prefix)), events } as SignedInAdmin;
  let site: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    await registry.createAll();
    site = await serve(registry, { password, pageSize: 2 });
    admin.client = new Client(site.base);
    expect((await admin.client.signIn(password)).status).toBe(303);
  });
  afterAll(async () => {
    await site?.close();
    await registry.dropAll();
    await registry.disconnect();
  });
  return admin;
}

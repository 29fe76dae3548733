import { BaseModel, Database, Field, Model, Registry } from '../../lib';
import { KeelsonPgClient } from '../../lib/dialects/postgres/client';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/**
 * `new Database({ client, connection })` (a Knex config object) runs on the same client as a URL does: on
 * PostgreSQL keelson's, which keeps a `?` inside a DDL string literal a question mark (Knex's made it `$1`).
 */

describe('a Knex config object takes the dialect client of its URL form', () => {
  it.each(['pg', 'postgres', 'postgresql'])("client %s becomes keelson's PostgreSQL client", (client) => {
    const db = new Database({ client, connection: { host: '127.0.0.1', database: 'test' } });
    expect((db as unknown as { config: { client: unknown } }).config.client).toBe(KeelsonPgClient);
  });

  it('keeps SQLite foreign keys on and a user afterCreate', async () => {
    const calls: string[] = [];
    const db = new Database({
      client: 'sqlite3',
      connection: { filename: ':memory:' },
      pool: {
        afterCreate: (conn: unknown, done: (err: Error | null, conn: unknown) => void) => {
          calls.push('user');
          done(null, conn);
        },
      },
    } as never);
    try {
      await db.connect();
      const [row] = await db.knex.raw('pragma foreign_keys');
      expect(row.foreign_keys).toBe(1);
      expect(calls).toEqual(['user']);
    } finally {
      await db.disconnect();
    }
  });
});

describeWithServer('a Knex config object on PostgreSQL', PG_URL, () => {
  const table = uniqueName('kc');
  const url = new URL(PG_URL);
  const database = new Database({
    client: 'pg',
    connection: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password) || undefined,
      database: url.pathname.slice(1),
    },
  });
  const registry = new Registry(database);

  @Model({ registry, tablename: table })
  class Question extends BaseModel {
    @Field({ maxLength: 40, default: 'what?' }) text!: string;
    @Field({ type: 'enum', choices: ['yes?', 'no'], default: 'yes?' }) answer!: string;
  }

  afterAll(async () => {
    await registry.dropAll().catch(() => undefined);
    await registry.disconnect();
  });

  it("creates a table whose string default holds a '?', and reads the default back", async () => {
    await registry.connect();
    await registry.createAll();
    const created = await Question.query.create({});
    const [row] = await Question.query.filter({ pk: created.pk }).values('text', 'answer');
    expect(row).toEqual({ text: 'what?', answer: 'yes?' });
    const knex = await database.runner();
    const { rows } = await knex.raw("select column_default from information_schema.columns where table_name = ? and column_name = 'text'", [table]);
    expect(rows[0].column_default).toMatch(/^'what\?'/);
  });
});

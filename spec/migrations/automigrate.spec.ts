import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Migrator, MigrationError, Model, ReflectModel, Registry, RegistryOptions } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';
import { ALL, blogMigrations, migrationRoot, writeMigrations } from '../support/migration-files';

const ADD_RATING = (schema?: string) => `import type { Knex } from 'knex';
export async function up(knex: Knex) {
  await knex.schema${schema ? `.withSchema(${JSON.stringify(schema)})` : ''}.alterTable('posts', (t) => { t.integer('rating').nullable(); });
}
export async function down(knex: Knex) {
  await knex.schema${schema ? `.withSchema(${JSON.stringify(schema)})` : ''}.alterTable('posts', (t) => { t.dropColumn('rating'); });
}
`;

interface Target {
  url: string;
  schema?: string;
}

/** Automigration at connect, on one dialect. */
function automigrateSuite(makeTarget: (dir: string) => Target, dropTarget: (registry: Registry, target: Target) => Promise<void>) {
  let dir: string;
  let target: Target;
  let registries: Registry[];
  const open = (options: RegistryOptions = {}) => {
    const registry = new Registry(target.url, { ...(target.schema ? { schema: target.schema } : {}), ...options });
    registries.push(registry);
    return registry;
  };
  const table = (name: string) => (target.schema ? `${target.schema}.${name}` : name);
  /** What the migrations table of `registry`'s primary records: `[name, batch]`, or null when it does not exist. */
  const recorded = async (registry: Registry) => {
    const knex = (await registry.database.connect()).knex;
    const schema = target.schema ? knex.schema.withSchema(target.schema) : knex.schema;
    if (!(await schema.hasTable('keelson_migrations'))) return null;
    const rows = (await knex(table('keelson_migrations')).select('name', 'batch').orderBy('id')) as { name: string; batch: number }[];
    return rows.map((r) => [r.name, Number(r.batch)]);
  };

  beforeEach(() => {
    dir = migrationRoot('automigrate');
    target = makeTarget(dir);
    registries = [];
  });
  afterEach(async () => {
    try {
      if (registries[0]) await dropTarget(registries[0], target);
    } finally {
      for (const r of registries) await r.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is off by default, even with a `migrations` option', async () => {
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const registry = open({ migrations: { directory: dir } });
    await registry.connect();
    expect(await recorded(registry)).toBeNull();
    const off = open({ migrations: { directory: dir }, automigrate: false });
    await off.connect();
    expect(await recorded(off)).toBeNull();
    expect(await new Migrator(off).pending()).toEqual(ALL);
  });

  it('applies pending migrations once at the first connect, not again after a disconnect', async () => {
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const registry = open({ automigrate: { directory: dir } });
    await registry.connect();
    expect(await recorded(registry)).toEqual(ALL.map((n) => [n, 1]));
    const rows = await registry.database.knex(table('posts')).select('title').orderBy('id');
    expect(rows).toEqual([{ title: 'First' }, { title: 'Second' }]);

    writeMigrations(dir, 'default', { '0005_add_rating.ts': ADD_RATING(target.schema) });
    await registry.disconnect();
    await registry.connect();
    expect(await recorded(registry)).toEqual(ALL.map((n) => [n, 1]));

    // Another registry (a new process, say) applies what is new, in a batch of its own.
    const next = open({ automigrate: true, migrations: { directory: dir } });
    await next.connect();
    expect(await recorded(next)).toEqual([...ALL.map((n) => [n, 1]), ['0005_add_rating', 2]]);
  });
}

describe('automigrate on SQLite', () => {
  automigrateSuite(
    (dir) => ({ url: `sqlite://${join(dir, 'app.db')}` }),
    async () => undefined,
  );

  describe('options', () => {
    let dir: string;
    let registries: Registry[];
    const open = (options: RegistryOptions) => {
      const registry = new Registry(`sqlite://${join(dir, 'app.db')}`, { extra: { archive: `sqlite://${join(dir, 'archive.db')}` }, ...options });
      registries.push(registry);
      return registry;
    };
    const tables = async (registry: Registry, alias: string) => {
      const db = registry.databaseFor(alias);
      return [...(await db.driver.listTables((await db.connect()).knex))].sort();
    };
    const ARCHIVE = {
      '0001_archive.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) { await knex.schema.createTable('archived', (t) => { t.increments('id'); }); }
export async function down(knex: Knex) { await knex.schema.dropTable('archived'); }
`,
    };

    beforeEach(() => {
      dir = migrationRoot('automigrate-options');
      registries = [];
    });
    afterEach(async () => {
      for (const r of registries) await r.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });

    it('migrates every alias that has a folder and skips the others', async () => {
      writeMigrations(dir, 'archive', ARCHIVE);
      const registry = open({ automigrate: { directory: dir } });
      await registry.connect();
      expect(await tables(registry, 'archive')).toEqual(['archived', 'keelson_migrations', 'keelson_migrations_lock']);
      expect(await tables(registry, 'default')).toEqual([]);
    });

    it('migrates only the aliases `databases` names, with the automigrate config merged over `migrations`', async () => {
      writeMigrations(dir, 'default', blogMigrations());
      writeMigrations(dir, 'archive', ARCHIVE);
      const registry = open({ migrations: { directory: dir, tableName: 'history' }, automigrate: { databases: ['archive'] } });
      await registry.connect();
      expect(await tables(registry, 'archive')).toEqual(['archived', 'history', 'history_lock']);
      expect(await tables(registry, 'default')).toEqual([]);
    });

    it('runs before reflection, so reflected models may live on tables a migration creates', async () => {
      writeMigrations(dir, 'default', blogMigrations());
      const registry = open({ automigrate: { directory: dir } });
      @Model({ registry, tablename: 'posts' })
      class Post extends ReflectModel {
        @Field({ maxLength: 100 }) title!: string;
      }
      await registry.connect();
      expect((await Post.query.orderBy('id').valuesList('title', { flat: true })) as unknown[]).toEqual(['First', 'Second']);
      expect(Post.meta.fields.has('views')).toBe(true);
    });

    it('fails connect() with a MigrationError naming alias and migration, and disconnects; a later connect retries', async () => {
      writeMigrations(dir, 'default', {
        ...blogMigrations(),
        '0003_seed_posts.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) { await knex('posts').insert({ no_such_column: 1 }); }
export async function down(knex: Knex) {}
`,
      });
      const registry = open({ automigrate: { directory: dir } });
      const error = await rejection(() => registry.connect());
      expect(error).toBeInstanceOf(MigrationError);
      expect(error.message).toContain('Migration 0003_seed_posts failed on database "default"');
      expect((error as MigrationError).alias).toBe('default');
      expect(registry.database.isConnected).toBe(false);
      expect(registry.extra.archive.isConnected).toBe(false);

      unlinkSync(join(dir, 'default', '0003_seed_posts.ts'));
      await registry.connect();
      expect(await new Migrator(registry, 'default', { directory: dir }).applied()).toEqual(['0001_initial', '0002_add_post_subtitle', '0004_add_post_views']);
    });

    it('carries `migrations` and `automigrate` over to a copy', async () => {
      writeMigrations(dir, 'default', blogMigrations());
      const registry = open({ migrations: { directory: dir, tableName: 'history' }, automigrate: true });
      const copy = registry.copy();
      registries.push(copy);
      expect(copy.options.migrations).toEqual({ directory: dir, tableName: 'history' });
      expect(copy.options.automigrate).toBe(true);
      await copy.connect();
      expect(await new Migrator(copy).applied()).toEqual(ALL);
      expect(await tables(copy, 'default')).toContain('history');
    });
  });
});

describeWithServer('automigrate on PostgreSQL', PG_URL, () => {
  automigrateSuite(
    () => ({ url: PG_URL, schema: uniqueName('automig') }),
    async (registry, target) => {
      await (await registry.database.connect()).knex.raw('drop schema if exists ?? cascade', [target.schema!]);
    },
  );
});

describeWithServer('automigrate on MariaDB', MYSQL_URL, () => {
  automigrateSuite(
    () => ({ url: MYSQL_URL, schema: uniqueName('automig') }),
    async (registry, target) => {
      await (await registry.database.connect()).knex.raw('drop database if exists ??', [target.schema!]);
    },
  );
});

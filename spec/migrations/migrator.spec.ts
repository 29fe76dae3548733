import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { ConfigurationError, DatabaseError, Migrator, MigrationError, Registry } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';
import { ALL, blogMigrations, migrationRoot, writeMigrations } from '../support/migration-files';

interface Target {
  /** URL of the database under test. */
  url: string;
  /** The registry's `schema` option (a schema on PostgreSQL, a database on MariaDB). */
  schema?: string;
  dialect: 'sqlite' | 'postgres' | 'mysql';
}

/** The same behaviour on every dialect; `target()` gives a fresh, isolated place per test. */
function migratorSuite(makeTarget: () => Target, dropTarget: (registry: Registry, target: Target) => Promise<void>) {
  let dir: string;
  let target: Target;
  let registries: Registry[];

  const open = (options: ConstructorParameters<typeof Registry>[1] = {}) => {
    const registry = new Registry(target.url, { ...(target.schema ? { schema: target.schema } : {}), ...options });
    registries.push(registry);
    return registry;
  };
  const migratorOf = (registry: Registry, alias = 'default') => new Migrator(registry, alias, { directory: dir });
  const knexOf = async (registry: Registry, alias = 'default') => (await registry.databaseFor(alias).connect()).knex;
  const table = (name: string) => (target.schema ? `${target.schema}.${name}` : name);
  const hasTable = async (registry: Registry, name: string) => {
    const knex = await knexOf(registry);
    return (target.schema ? knex.schema.withSchema(target.schema) : knex.schema).hasTable(name);
  };
  const hasColumn = async (registry: Registry, name: string, column: string) => {
    const knex = await knexOf(registry);
    // Knex's MySQL hasColumn ignores withSchema: name the database in the table instead.
    if (target.dialect === 'mysql') return knex.schema.hasColumn(table(name), column);
    return (target.schema ? knex.schema.withSchema(target.schema) : knex.schema).hasColumn(name, column);
  };
  const recorded = async (registry: Registry, alias = 'default', tableName = 'keelson_migrations') =>
    ((await (await knexOf(registry, alias))(table(tableName)).select('name', 'batch').orderBy('id')) as { name: string; batch: number }[]).map((r) => [
      r.name,
      Number(r.batch),
    ]);

  beforeEach(() => {
    dir = migrationRoot('migrator');
    target = makeTarget();
    registries = [];
  });
  afterEach(async () => {
    const last = registries[0];
    try {
      if (last) await dropTarget(last, target);
    } finally {
      for (const r of registries) await r.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists nothing and applies nothing without a migration folder, and creates no table for a listing', async () => {
    const registry = open();
    const migrator = migratorOf(registry);
    expect(migrator.hasDirectory()).toBe(false);
    expect(await migrator.list()).toEqual([]);
    expect(await migrator.latest()).toEqual([]);
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    expect(await migrator.pending()).toEqual(ALL);
    expect((await migrator.list()).every((m) => !m.applied && m.file?.endsWith('.ts'))).toBe(true);
    expect(await hasTable(registry, 'keelson_migrations')).toBe(false);
  });

  it('applies every pending migration in file order, records them in one batch, then has nothing to apply', async () => {
    const registry = open();
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const migrator = migratorOf(registry);
    const before = Date.now();
    expect(await migrator.latest()).toEqual(ALL);
    const states = await migrator.list();
    expect(states.map((s) => [s.name, s.applied, s.batch])).toEqual(ALL.map((n) => [n, true, 1]));
    for (const s of states) {
      expect(s.appliedAt).toBeInstanceOf(Date);
      expect(Math.abs(s.appliedAt!.getTime() - before)).toBeLessThan(120_000);
    }
    expect(await recorded(registry)).toEqual(ALL.map((n) => [n, 1]));
    expect(await hasTable(registry, 'keelson_migrations_lock')).toBe(true);
    const rows = await (await knexOf(registry))(table('posts')).select('title', 'subtitle', 'views').orderBy('id');
    expect(rows).toEqual([
      { title: 'First', subtitle: 'one', views: 0 },
      { title: 'Second', subtitle: null, views: 0 },
    ]);
    expect(await migrator.latest()).toEqual([]);
    expect(await migrator.pending()).toEqual([]);
  });

  it('applies up to a target given by name, file name or number, only forward', async () => {
    const registry = open();
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const migrator = migratorOf(registry);
    expect(await migrator.migrateTo('0002')).toEqual(['0001_initial', '0002_add_post_subtitle']);
    expect(await migrator.pending()).toEqual(['0003_seed_posts', '0004_add_post_views']);
    expect(await migrator.migrateTo('0003_seed_posts.ts')).toEqual(['0003_seed_posts']);
    expect(await migrator.migrateTo('0003_seed_posts')).toEqual([]);
    expect(await recorded(registry)).toEqual([
      ['0001_initial', 1],
      ['0002_add_post_subtitle', 1],
      ['0003_seed_posts', 2],
    ]);

    const backwards = await rejection(() => migrator.migrateTo('1'));
    expect(backwards).toBeInstanceOf(ConfigurationError);
    expect(backwards.message).toContain('0001_initial is already applied');
    expect(backwards.message).toContain('keelson downgrade --to 0001_initial');

    const unknown = await rejection(() => migrator.migrateTo('0009_nope'));
    expect(unknown).toBeInstanceOf(ConfigurationError);
    expect(unknown.message).toContain('no migration "0009_nope"');
    expect(unknown.message).toContain(`Available: ${ALL.join(', ')}`);
    expect(await migrator.migrateTo('4')).toEqual(['0004_add_post_views']);
  });

  it('rolls back one migration, back to a target, or everything; rows of kept migrations survive', async () => {
    const registry = open();
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const migrator = migratorOf(registry);
    await migrator.latest();

    expect(await migrator.downgrade()).toEqual(['0004_add_post_views']);
    expect(await hasColumn(registry, 'posts', 'views')).toBe(false);
    expect(await (await knexOf(registry))(table('posts')).select('title').orderBy('id')).toEqual([{ title: 'First' }, { title: 'Second' }]);
    expect(await migrator.pending()).toEqual(['0004_add_post_views']);

    expect(await migrator.downgrade('0002_add_post_subtitle.ts')).toEqual(['0003_seed_posts']);
    expect(await (await knexOf(registry))(table('posts')).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
    expect(Number((await (await knexOf(registry))(table('posts')).count({ n: '*' }))[0].n)).toBe(0);
    expect(await hasColumn(registry, 'posts', 'subtitle')).toBe(true);
    expect(await migrator.downgrade('0002')).toEqual([]);

    const notApplied = await rejection(() => migrator.downgrade('0003'));
    expect(notApplied).toBeInstanceOf(ConfigurationError);
    expect(notApplied.message).toContain('0003_seed_posts is not applied');

    expect(await migrator.downgrade('zero')).toEqual(['0002_add_post_subtitle', '0001_initial']);
    expect(await hasTable(registry, 'posts')).toBe(false);
    expect(await recorded(registry)).toEqual([]);
    expect(await migrator.downgrade()).toEqual([]);
    expect(await migrator.latest()).toEqual(ALL);
  });

  it('keeps separate folders and migration tables per alias', async () => {
    const extraFile = join(dir, 'extra.db');
    const registry = open({ extra: { archive: `sqlite://${extraFile}` } });
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    writeMigrations(dir, 'archive', {
      '0001_archive.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) { await knex.schema.createTable('archived', (t) => { t.increments('id'); }); }
export async function down(knex: Knex) { await knex.schema.dropTable('archived'); }
`,
    });
    expect(await migratorOf(registry).migrateTo('0001')).toEqual(['0001_initial']);
    const archive = migratorOf(registry, 'archive');
    expect(archive.directory).toBe(join(dir, 'archive'));
    expect(await archive.pending()).toEqual(['0001_archive']);
    expect(await archive.latest()).toEqual(['0001_archive']);
    expect(await migratorOf(registry).pending()).toEqual(ALL.slice(1));
    expect(await recorded(registry)).toEqual([['0001_initial', 1]]);
    const archiveKnex = await knexOf(registry, 'archive');
    expect((await archiveKnex('keelson_migrations').select('name')).map((r: { name: string }) => r.name)).toEqual(['0001_archive']);
    expect(await archiveKnex.schema.hasTable('archived')).toBe(true);
    expect(await hasTable(registry, 'archived')).toBe(false);
  });

  it('uses the registry `migrations` option and a custom table name', async () => {
    const registry = open({ migrations: { directory: dir, tableName: 'schema_history' } });
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const migrator = new Migrator(registry);
    expect(migrator.tableName).toBe('schema_history');
    expect(await migrator.latest()).toEqual(ALL);
    expect(await hasTable(registry, 'schema_history')).toBe(true);
    expect(await hasTable(registry, 'schema_history_lock')).toBe(true);
    expect(await hasTable(registry, 'keelson_migrations')).toBe(false);
    expect((await recorded(registry, 'default', 'schema_history')).length).toBe(4);
  });

  it('names the failing migration; transactional dialects keep none of the failed run', async () => {
    const registry = open();
    const files = blogMigrations(target.schema);
    writeMigrations(dir, 'default', { '0001_initial.ts': files['0001_initial.ts'] });
    await migratorOf(registry).latest();
    const s = target.schema ? `.withSchema(${JSON.stringify(target.schema)})` : '';
    writeMigrations(dir, 'default', {
      '0002_add_post_subtitle.ts': files['0002_add_post_subtitle.ts'],
      '0003_broken.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) {
  await knex.schema${s}.createTable('half_done', (t) => { t.increments('id'); });
  await knex.raw('select * from no_such_table_at_all');
}
export async function down(knex: Knex) {}
`,
    });
    const error = await rejection(() => migratorOf(registry).latest());
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toBeInstanceOf(DatabaseError);
    const failure = error as MigrationError;
    expect(failure.migration).toBe('0003_broken');
    expect(failure.alias).toBe('default');
    expect(failure.file).toBe(join(dir, 'default', '0003_broken.ts'));
    expect(failure.message).toContain('Migration 0003_broken failed on database "default"');
    expect(failure.message).toContain('no_such_table_at_all');
    expect(failure.code).toBeDefined();

    const migrator = migratorOf(registry);
    if (target.dialect === 'mysql') {
      // DDL commits at once on MariaDB: 0002 stays applied, and so does 0003's table.
      expect(failure.applied).toEqual(['0002_add_post_subtitle']);
      expect(failure.message).toContain(
        'Applied before the failure: 0002_add_post_subtitle. MySQL/MariaDB cannot roll back DDL: statements of 0003_broken that ran before the failure remain.',
      );
      expect(await migrator.applied()).toEqual(['0001_initial', '0002_add_post_subtitle']);
      expect(await hasTable(registry, 'half_done')).toBe(true);
    } else {
      expect(failure.applied).toEqual([]);
      expect(failure.message).toMatch(/\S\. Nothing of this run was applied \(rolled back\)\.$/);
      expect(await migrator.applied()).toEqual(['0001_initial']);
      expect(await hasColumn(registry, 'posts', 'subtitle')).toBe(false);
      expect(await hasTable(registry, 'half_done')).toBe(false);
    }
    // The lock was released: a fixed migration applies.
    unlinkSync(join(dir, 'default', '0003_broken.ts'));
    writeMigrations(dir, 'default', {
      '0003_fixed.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) { await knex.schema${s}.createTable('fixed', (t) => { t.increments('id'); }); }
export async function down(knex: Knex) { await knex.schema${s}.dropTable('fixed'); }
`,
    });
    expect(await migrator.latest()).toEqual(target.dialect === 'mysql' ? ['0003_fixed'] : ['0002_add_post_subtitle', '0003_fixed']);
  });

  it('rejects a migration file without up/down, and applied migrations whose file is gone', async () => {
    const registry = open();
    writeMigrations(dir, 'default', blogMigrations(target.schema));
    const migrator = migratorOf(registry);
    await migrator.migrateTo('0002');
    unlinkSync(join(dir, 'default', '0002_add_post_subtitle.ts'));
    const listed = await migrator.list();
    expect(listed.map((m) => [m.name, m.applied, m.file === undefined])).toEqual([
      ['0001_initial', true, false],
      ['0003_seed_posts', false, false],
      ['0004_add_post_views', false, false],
      ['0002_add_post_subtitle', true, true],
    ]);
    const missing = await rejection(() => migrator.latest());
    expect(missing).toBeInstanceOf(ConfigurationError);
    expect(missing.message).toContain('0002_add_post_subtitle has no file');
    expect(await rejection(() => migrator.downgrade())).toBeInstanceOf(ConfigurationError);

    writeMigrations(dir, 'default', { '0002_add_post_subtitle.ts': blogMigrations(target.schema)['0002_add_post_subtitle.ts'] });
    writeMigrations(dir, 'default', { '0005_half.ts': 'export async function up() {}\n' });
    const invalid = await rejection(() => migrator.latest());
    expect(invalid).toBeInstanceOf(ConfigurationError);
    expect(invalid.message).toContain('0005_half');
    expect(invalid.message).toContain('must export both `up(knex)` and `down(knex)`');
    expect(await migrator.applied()).toEqual(['0001_initial', '0002_add_post_subtitle']);
  });
}

describe('Migrator on SQLite', () => {
  migratorSuite(
    () => ({ url: `sqlite://${join(mkdtempSync(join(tmpdir(), 'keelson-migrator-db-')), 'app.db')}`, dialect: 'sqlite' }),
    async (_registry, target) => rmSync(join(target.url.slice('sqlite://'.length), '..'), { recursive: true, force: true }),
  );

  describe('SQLite specifics', () => {
    let dir: string;
    let registry: Registry;
    beforeEach(() => {
      dir = migrationRoot('migrator-sqlite');
      registry = new Registry(`sqlite://${join(dir, 'app.db')}`);
    });
    afterEach(async () => {
      await registry.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs a migration exporting config = { transaction: false } outside a transaction (foreign keys can be switched off)', async () => {
      writeMigrations(dir, 'default', {
        '0001_probe.ts': `import type { Knex } from 'knex';
export const config = { transaction: false };
export async function up(knex: Knex) {
  await knex.raw('PRAGMA foreign_keys = OFF');
  const rows = await knex.raw('PRAGMA foreign_keys');
  await knex.raw('PRAGMA foreign_keys = ON');
  await knex.schema.createTable('probe', (t) => { t.integer('fk_during'); });
  await knex('probe').insert({ fk_during: rows[0].foreign_keys });
}
export async function down(knex: Knex) { await knex.schema.dropTable('probe'); }
`,
        '0002_probe_in_transaction.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) {
  await knex.raw('PRAGMA foreign_keys = OFF');
  const rows = await knex.raw('PRAGMA foreign_keys');
  await knex('probe').insert({ fk_during: rows[0].foreign_keys });
}
export async function down(knex: Knex) {}
`,
      });
      const migrator = new Migrator(registry, 'default', { directory: dir });
      expect(await migrator.latest()).toEqual(['0001_probe', '0002_probe_in_transaction']);
      const knex = registry.database.knex;
      // Outside a transaction the pragma takes effect; inside one SQLite ignores it.
      expect((await knex('probe').select('fk_during')).map((r: { fk_during: number }) => r.fk_during)).toEqual([0, 1]);
      expect((await knex.raw('PRAGMA foreign_keys'))[0].foreign_keys).toBe(1);
    });

    it("waits for another process's lock, fails naming it, and unlock() releases a stale one", async () => {
      writeMigrations(dir, 'default', blogMigrations());
      const migrator = new Migrator(registry, 'default', { directory: dir, lockTimeout: 300 });
      await migrator.migrateTo('0001');
      const knex: Knex = registry.database.knex;
      await knex('keelson_migrations_lock').update({ is_locked: 1 });
      const started = Date.now();
      const error = await rejection(() => migrator.latest());
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error.message).toContain('migrations are locked by another process (table keelson_migrations_lock)');
      expect(error.message).toContain('update keelson_migrations_lock set is_locked = 0');
      expect(await migrator.applied()).toEqual(['0001_initial']);

      // A lock released while waiting is taken.
      const release = setTimeout(
        () =>
          void knex('keelson_migrations_lock')
            .update({ is_locked: 0 })
            .then(() => undefined),
        100,
      );
      const patient = new Migrator(registry, 'default', { directory: dir, lockTimeout: 5000 });
      expect(await patient.migrateTo('0002')).toEqual(['0002_add_post_subtitle']);
      clearTimeout(release);

      await knex('keelson_migrations_lock').update({ is_locked: 1 });
      await migrator.unlock();
      expect(await migrator.latest()).toEqual(['0003_seed_posts', '0004_add_post_views']);
    });

    it('prefers the .ts file when a compiled .js of the same migration sits beside it, and ignores declarations and other files', async () => {
      writeMigrations(dir, 'default', {
        ...blogMigrations(),
        '0001_initial.js': 'exports.up = async () => { throw new Error("the .js ran"); };\nexports.down = async () => {};\n',
        '0001_initial.d.ts': 'export {};\n',
        'README.md': '# migrations\n',
      });
      const migrator = new Migrator(registry, 'default', { directory: dir });
      expect((await migrator.list()).map((m) => m.name)).toEqual(ALL);
      expect(await migrator.latest()).toEqual(ALL);
      const js = new Migrator(registry, 'default', { directory: dir, loadExtensions: ['.js'] });
      expect((await js.list())[0]).toEqual(expect.objectContaining({ name: '0001_initial', applied: true, file: join(dir, 'default', '0001_initial.js') }));
    });

    it('says how to fix a TypeScript migration when ts-node is not installed', async () => {
      writeMigrations(dir, 'default', blogMigrations());
      let Isolated!: typeof Migrator;
      jest.isolateModules(() => {
        jest.doMock('../../lib/migrations/load-typescript', () => ({
          ...jest.requireActual('../../lib/migrations/load-typescript'),
          ensureTypeScriptLoader: () => false,
        }));
        Isolated = (jest.requireActual('../../lib/migrations/migrator') as typeof import('../../lib/migrations/migrator')).Migrator;
      });
      jest.dontMock('../../lib/migrations/load-typescript');
      const migrator = new Isolated(registry, 'default', { directory: dir });
      expect(await migrator.pending()).toEqual(ALL);
      const error = await rejection(() => migrator.latest());
      expect(error.name).toBe('ConfigurationError');
      expect(error.message).toContain(`migration 0001_initial (${join(dir, 'default', '0001_initial.ts')}) is TypeScript, but ts-node is not installed`);
      expect(error.message).toContain('npm install --save-dev ts-node');
      expect(await migrator.applied()).toEqual([]);
    });

    it('rejects an ambiguous migration number and "zero" as a forward target', async () => {
      writeMigrations(dir, 'default', { ...blogMigrations(), '0002_other.ts': blogMigrations()['0002_add_post_subtitle.ts'] });
      const migrator = new Migrator(registry, 'default', { directory: dir });
      const ambiguous = await rejection(() => migrator.migrateTo('0002'));
      expect(ambiguous).toBeInstanceOf(ConfigurationError);
      expect(ambiguous.message).toContain('ambiguous: it matches 0002_add_post_subtitle, 0002_other');
      const zero = await rejection(() => migrator.migrateTo('zero'));
      expect(zero.message).toContain('keelson downgrade --to zero');
      expect(await migrator.applied()).toEqual([]);
    });
  });
});

describeWithServer('Migrator on PostgreSQL', PG_URL, () => {
  migratorSuite(
    () => ({ url: PG_URL, schema: uniqueName('mig'), dialect: 'postgres' }),
    async (registry, target) => {
      await (await registry.database.connect()).knex.raw('drop schema if exists ?? cascade', [target.schema!]);
    },
  );
});

describeWithServer('Migrator on MariaDB', MYSQL_URL, () => {
  migratorSuite(
    () => ({ url: MYSQL_URL, schema: uniqueName('mig'), dialect: 'mysql' }),
    async (registry, target) => {
      await (await registry.database.connect()).knex.raw('drop database if exists ??', [target.schema!]);
    },
  );
});

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { ALL, blogMigrations, writeMigrations } from '../support/migration-files';
import { runCli } from './in-process';
import { makeProject, removeProject, spawnCli } from './support';

/** The app module: a registry on $APP_DB_URL, optionally in $APP_SCHEMA, with an `archive` SQLite extra. */
const APP = `
import { Registry } from 'keelson';

export const registry = new Registry(process.env.APP_DB_URL!, {
  schema: process.env.APP_SCHEMA || undefined,
  extra: { archive: 'sqlite://' + __dirname + '/archive.db' },
  migrations: process.env.APP_MIGRATIONS ? { directory: process.env.APP_MIGRATIONS } : undefined,
});
`;

/** The same registry from plain JavaScript: the migrator itself has to load the .ts migrations. */
const PLAIN_APP = `
const { Registry } = require('keelson');
module.exports = { registry: new Registry(process.env.APP_DB_URL, { schema: process.env.APP_SCHEMA || undefined }) };
`;

const COMMANDS = ['migrate', 'downgrade', 'showmigrations'];

describe('keelson migrate / downgrade / showmigrations without a database', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProject('cli-migrate');
    writeFileSync(join(dir, 'app.ts'), APP);
  });
  afterAll(() => removeProject(dir));

  it("lists the commands in --help and prints each one's options", async () => {
    const main = await runCli(['--help'], { cwd: dir });
    expect(main.status).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toContain(`  ${c}`);
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: keelson ${c}`);
      expect(r.stdout).toContain('--dir <path>');
      expect(r.stdout).toContain('--database <alias>');
      expect(r.stderr).toBe('');
    }
    expect((await runCli(['migrate', '--help'], { cwd: dir })).stdout).toContain('--to <name>');
    expect((await runCli(['downgrade', '--help'], { cwd: dir })).stdout).toContain('--to <name|zero>');
  });

  it('exits 2 with the usage on a usage mistake', async () => {
    for (const args of [
      ['migrate', '--bogus'],
      ['migrate', '--to'],
      ['downgrade', 'zero'],
      ['showmigrations', '--to', '0001'],
      ['migrate', '--to', 'a', '--to', 'b'],
    ]) {
      const r = await runCli([...args, '--app', 'app.ts'], { cwd: dir, env: { APP_DB_URL: 'sqlite::memory:' } });
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`Usage: keelson ${args[0]}`);
    }
  });

  it('says there is nothing to apply, roll back or list without a migration folder', async () => {
    const env = { APP_DB_URL: 'sqlite::memory:' };
    const migrate = await runCli(['migrate', '--app', 'app.ts'], { cwd: dir, env });
    expect(migrate.status).toBe(0);
    expect(migrate.stderr).toBe(`default: nothing to apply (no migrations in ${join(dir, 'migrations', 'default')})\n`);
    const down = await runCli(['downgrade', '--app', 'app.ts'], { cwd: dir, env });
    expect(down.status).toBe(0);
    expect(down.stderr).toBe('default: nothing to roll back\n');
    const show = await runCli(['showmigrations', '--app', 'app.ts'], { cwd: dir, env });
    expect(show.status).toBe(0);
    expect(show.stdout).toBe(
      `default\n (no migrations in ${join(dir, 'migrations', 'default')})\narchive\n (no migrations in ${join(dir, 'migrations', 'archive')})\n`,
    );
    const unknown = await runCli(['migrate', '--app', 'app.ts', '--database', 'nope'], { cwd: dir, env });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no database "nope"');
  });
});

/** The commands against one database (`url` may contain $DIR, the project folder). */
function migrateSuite(label: string, setup: () => { url: string; schema?: string }) {
  describe(`keelson migrate / downgrade / showmigrations on ${label}`, () => {
    let dir: string;
    let env: Record<string, string>;
    let schema: string | undefined;
    let url: string;
    const cli = (...args: string[]) => runCli([...args, '--app', 'app.ts'], { cwd: dir, env });
    const show = async () => {
      const r = await cli('showmigrations', '--database', 'default');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const lines = (applied: number, names = ALL) => `default\n${names.map((n, i) => ` [${i < applied ? 'X' : ' '}] ${n}\n`).join('')}`;

    beforeAll(() => {
      dir = makeProject('cli-migrate-db');
      writeFileSync(join(dir, 'app.ts'), APP);
      writeFileSync(join(dir, 'plain.js'), PLAIN_APP);
      const s = setup();
      schema = s.schema;
      url = s.url.replace('$DIR', dir);
      env = { APP_DB_URL: url, APP_SCHEMA: schema ?? '' };
      writeMigrations(join(dir, 'migrations'), 'default', blogMigrations(schema));
    });
    afterAll(async () => {
      if (schema) {
        const db = new Database(url);
        try {
          await db.connect();
          await db.knex.raw('drop schema if exists ?? cascade', [schema]);
        } finally {
          await db.disconnect();
        }
      }
      removeProject(dir);
    });

    it('showmigrations lists every migration as pending, grouped per alias', async () => {
      const r = await cli('showmigrations');
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`${lines(0)}archive\n (no migrations in ${join(dir, 'migrations', 'archive')})\n`);
    });

    it('migrate --to applies up to a migration, then migrate applies the rest; both report on stderr', async () => {
      const to = await cli('migrate', '--to', '0002');
      expect(to.status).toBe(0);
      expect(to.stdout).toBe('');
      expect(to.stderr).toBe('default: applied 0001_initial, 0002_add_post_subtitle\n');
      expect(await show()).toBe(lines(2));

      const rest = await cli('migrate');
      expect(rest.status).toBe(0);
      expect(rest.stderr).toBe('default: applied 0003_seed_posts, 0004_add_post_views\n');
      expect(await show()).toBe(lines(4));
      expect((await cli('migrate')).stderr).toBe('default: nothing to apply\n');
    });

    it('migrate --to fails readably on an unknown migration and on one behind the applied ones', async () => {
      const unknown = await cli('migrate', '--to', '0009_nope');
      expect(unknown.status).toBe(1);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toContain('keelson migrate: ConfigurationError: database "default"');
      expect(unknown.stderr).toContain(`no migration "0009_nope" in ${join(dir, 'migrations', 'default')}. Available: ${ALL.join(', ')}.`);
      expect(unknown.stderr).not.toMatch(/\n\s+at /);

      const behind = await cli('migrate', '--to', '0001_initial.ts');
      expect(behind.status).toBe(1);
      expect(behind.stderr).toContain('migration 0001_initial is already applied');
      expect(behind.stderr).toContain('`keelson downgrade --to 0001_initial`');

      const unknownDown = await cli('downgrade', '--to', 'nope');
      expect(unknownDown.status).toBe(1);
      expect(unknownDown.stderr).toContain('no migration "nope"');
      expect(await show()).toBe(lines(4));
    });

    it('downgrade rolls back one migration, then back to a target, then everything', async () => {
      const one = await cli('downgrade');
      expect(one.status).toBe(0);
      expect(one.stderr).toBe('default: rolled back 0004_add_post_views\n');
      expect(await show()).toBe(lines(3));

      const to = await cli('downgrade', '--to', '0002_add_post_subtitle');
      expect(to.stderr).toBe('default: rolled back 0003_seed_posts\n');
      expect(await show()).toBe(lines(2));

      const zero = await cli('downgrade', '--to', 'zero');
      expect(zero.status).toBe(0);
      expect(zero.stderr).toBe('default: rolled back 0002_add_post_subtitle, 0001_initial\n');
      expect(await show()).toBe(lines(0));
      expect((await cli('downgrade')).stderr).toBe('default: nothing to roll back\n');

      const db = new Database(url);
      try {
        await db.connect();
        expect([...(await db.driver.listTables(db.knex, schema))].sort()).toEqual(['keelson_migrations', 'keelson_migrations_lock']);
      } finally {
        await db.disconnect();
      }
    });

    it('exits 1 naming the failing migration, and applies nothing of the failed run', async () => {
      const s = schema ? `.withSchema(${JSON.stringify(schema)})` : '';
      writeMigrations(join(dir, 'migrations'), 'default', {
        '0005_broken.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) {
  await knex.schema${s}.createTable('half', (t) => { t.increments('id'); });
  await knex.raw('select * from no_such_table_here');
}
export async function down(knex: Knex) {}
`,
      });
      try {
        const r = await cli('migrate');
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('keelson migrate: MigrationError: Migration 0005_broken failed on database "default"');
        expect(r.stderr).toContain('no_such_table_here');
        expect(r.stderr).toContain('Nothing of this run was applied (rolled back).');
        expect(r.stderr).not.toMatch(/migration failed with error/);
        const password = new URL(url.startsWith('sqlite') ? 'sqlite://x' : url).password;
        if (password) {
          expect(r.stderr).not.toContain(password);
          expect(r.stderr).toContain(':***@');
        }
        expect(await show()).toBe(lines(0, [...ALL, '0005_broken']));
      } finally {
        rmSync(join(dir, 'migrations', 'default', '0005_broken.ts'));
      }
    });

    it('takes the folder from --dir, else from the registry `migrations` option, for any alias', async () => {
      mkdirSync(join(dir, 'db'), { recursive: true });
      renameSync(join(dir, 'migrations'), join(dir, 'db', 'migrations'));
      try {
        writeMigrations(join(dir, 'db', 'migrations'), 'archive', {
          '0001_archive.ts': `import type { Knex } from 'knex';
export async function up(knex: Knex) { await knex.schema.createTable('archived', (t) => { t.increments('id'); }); }
export async function down(knex: Knex) { await knex.schema.dropTable('archived'); }
`,
        });
        const viaDir = await runCli(['migrate', '--app', 'app.ts', '--dir', 'db/migrations', '--to', '0001'], { cwd: dir, env });
        expect(viaDir.status).toBe(0);
        expect(viaDir.stderr).toBe('default: applied 0001_initial\n');

        const optionEnv = { ...env, APP_MIGRATIONS: join(dir, 'db', 'migrations') };
        const archive = await runCli(['migrate', '--app', 'app.ts', '--database', 'archive'], { cwd: dir, env: optionEnv });
        expect(archive.status).toBe(0);
        expect(archive.stderr).toBe('archive: applied 0001_archive\n');
        const listed = await runCli(['showmigrations', '--app', 'app.ts'], { cwd: dir, env: optionEnv });
        expect(listed.stdout).toBe(`${lines(1)}archive\n [X] 0001_archive\n`);
        const archiveOnly = await runCli(['showmigrations', '--app', 'app.ts', '-d', 'archive'], { cwd: dir, env: optionEnv });
        expect(archiveOnly.stdout).toBe('archive\n [X] 0001_archive\n');
        expect((await runCli(['downgrade', '--app', 'app.ts', '--database', 'archive', '--to', 'zero'], { cwd: dir, env: optionEnv })).stderr).toBe(
          'archive: rolled back 0001_archive\n',
        );
        expect((await runCli(['downgrade', '--app', 'app.ts', '--dir', 'db/migrations'], { cwd: dir, env })).stderr).toBe(
          'default: rolled back 0001_initial\n',
        );
      } finally {
        rmSync(join(dir, 'db', 'migrations', 'archive'), { recursive: true, force: true });
        renameSync(join(dir, 'db', 'migrations'), join(dir, 'migrations'));
      }
    });

    it('loads .ts migrations through ts-node for a plain JavaScript app', () => {
      // Spawned: the point is the migrator registering ts-node in a real process (jest transforms .ts itself).
      const r = spawnCli(['migrate', '--app', 'plain.js', '--to', '0003'], { cwd: dir, env });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('default: applied 0001_initial, 0002_add_post_subtitle, 0003_seed_posts\n');
      const back = spawnCli(['downgrade', '--app', 'plain.js', '--to', 'zero'], { cwd: dir, env });
      expect(back.stderr).toBe('default: rolled back 0003_seed_posts, 0002_add_post_subtitle, 0001_initial\n');
    });
  });
}

migrateSuite('SQLite', () => ({ url: 'sqlite://$DIR/app.db' }));

describeWithServer('keelson migrate on PostgreSQL', PG_URL, () => {
  // A password in the URL (ignored by a trusting server) must never reach the output.
  const withPassword = () => {
    const parsed = new URL(PG_URL);
    if (!parsed.password) parsed.password = 'keelson-secret-pw';
    return parsed.toString();
  };
  migrateSuite('PostgreSQL', () => ({ url: withPassword(), schema: uniqueName('climig') }));
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { runCli } from './in-process';
import { makeProject, removeProject, spawnCli } from './support';

/** The app module the CLI loads: a small library with a FK and a generated many-to-many. */
const APP = `
import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry } from 'keelson';
import type { ManyRelation, Relation } from 'keelson';

export const registry = new Registry(process.env.APP_DB_URL!, { schema: process.env.APP_SCHEMA || undefined });

@Model({ registry })
export class Author extends BaseModel {
  @Field({ maxLength: 80 }) name!: string;
}

@Model({ registry })
export class Tag extends BaseModel {
  @Field({ maxLength: 40, unique: true }) label!: string;
}

@Model({ registry })
export class Book extends BaseModel {
  @Field({ maxLength: 120 }) title!: string;
  @Field({ nullable: true }) pages?: number;
  @ForeignKey('Author', { relatedName: 'books', onDelete: 'CASCADE' }) author!: Relation<Author>;
  @ManyToMany('Tag', { relatedName: 'books' }) tags!: ManyRelation<Tag>;
}
`;

const TABLES = ['authors', 'books', 'booktagsthrough', 'tags'];

describe('keelson without a database', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProject('cli');
    writeFileSync(join(dir, 'app.ts'), APP);
    writeFileSync(join(dir, 'broken.ts'), `throw new Error('app exploded while loading');\n`);
    writeFileSync(join(dir, 'empty.js'), `module.exports = { notARegistry: true };\n`);
    writeFileSync(join(dir, 'plain.js'), `const { Registry } = require('keelson');\nmodule.exports = new Registry('sqlite::memory:');\n`);
  });
  afterAll(() => removeProject(dir));

  it('prints the command list for --help / -h on stdout and exits 0 (the binary)', () => {
    for (const flag of ['--help', '-h']) {
      const r = spawnCli([flag], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: keelson <command>');
      for (const c of ['createall', 'dropall', 'showmodels', 'inspectdb']) expect(r.stdout).toContain(c);
      expect(r.stderr).toBe('');
    }
  });

  it("prints each command's options for --help without loading any app", async () => {
    for (const c of ['createall', 'dropall', 'showmodels', 'inspectdb']) {
      const r = await runCli([c, '--help'], { cwd: dir });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: keelson ${c}`);
      expect(r.stdout).toContain('--app');
      expect(r.stderr).toBe('');
    }
    expect((await runCli(['dropall', '-h'], { cwd: dir })).stdout).toContain('--yes');
    expect((await runCli(['inspectdb', '--help'], { cwd: dir })).stdout).toContain('--registry-import');
  });

  it('exits 2 with usage on stderr for no command, an unknown command or an unknown option', async () => {
    for (const args of [[], ['frobnicate'], ['createall', '--bogus'], ['dropall', 'extra'], ['inspectdb', '--output'], ['--nope']]) {
      const r = await runCli(args, { cwd: dir });
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: keelson');
    }
    // The binary's own exit code.
    const spawned = spawnCli(['createall', '--bogus'], { cwd: dir });
    expect(spawned.status).toBe(2);
    expect(spawned.stderr).toContain('Usage: keelson createall');
  });

  it('exits 1 with a message and no stack when the app is missing, broken or exports no registry', async () => {
    const none = await runCli(['createall'], { cwd: dir });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/--app .*KEELSON_APP/);

    const missing = await runCli(['createall', '--app', 'nope.ts'], { cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('not found');

    const broken = await runCli(['showmodels', '--app', 'broken.ts'], { cwd: dir });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('app exploded while loading');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    expect(broken.stdout).toBe('');

    const debug = await runCli(['showmodels', '--app', 'broken.ts'], { cwd: dir, env: { KEELSON_DEBUG: '1' } });
    expect(debug.status).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);

    const empty = await runCli(['showmodels', '--app', 'empty.js'], { cwd: dir });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('exports no Registry');
  });

  it('loads a .js module whose default export is the registry, and takes the app from KEELSON_APP', async () => {
    const r = await runCli(['showmigrations'], { cwd: dir, env: { KEELSON_APP: 'plain.js' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`default\n (no migrations in ${join(dir, 'migrations', 'default')})\n`);
  });

  it('rejects an unknown --database alias with exit 1', async () => {
    const r = await runCli(['createall', '--app', 'app.ts', '--database', 'nope'], { cwd: dir, env: { APP_DB_URL: 'sqlite::memory:' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no database "nope"');
  });
});

/** The same behaviour on an SQLite file and on PostgreSQL (in a throwaway schema). */
function lifecycleSuite(label: string, setup: () => { url: string; schema?: string; listUrl: string }) {
  describe(`createall / showmodels / dropall on ${label}`, () => {
    let dir: string;
    let env: Record<string, string>;
    let schema: string | undefined;
    let listUrl: string;

    async function liveTables(): Promise<string[]> {
      const db = new Database(listUrl);
      try {
        await db.connect();
        const all = await db.driver.listTables(db.knex, schema);
        return [...all].filter((t) => TABLES.includes(t)).sort();
      } finally {
        await db.disconnect();
      }
    }

    beforeAll(() => {
      dir = makeProject('cli-db');
      writeFileSync(join(dir, 'app.ts'), APP);
      const s = setup();
      schema = s.schema;
      listUrl = s.listUrl.replace('$DIR', dir);
      env = { APP_DB_URL: s.url.replace('$DIR', dir), APP_SCHEMA: schema ?? '' };
    });
    afterAll(async () => {
      if (schema) {
        const db = new Database(listUrl);
        try {
          await db.connect();
          await db.knex.raw('drop schema if exists ?? cascade', [schema]);
        } finally {
          await db.disconnect();
        }
      }
      removeProject(dir);
    });

    it('createall creates every table, reports on stderr only, and is idempotent', async () => {
      // The binary itself, loading the .ts app through ts-node.
      const first = spawnCli(['createall', '--app', 'app.ts'], { cwd: dir, env });
      expect(first.status).toBe(0);
      expect(first.stdout).toBe('');
      expect(first.stderr).toContain('default: created 4 of 4 tables');
      expect(await liveTables()).toEqual(TABLES);

      const again = await runCli(['createall', '--app', 'app.ts', '--database', 'default'], { cwd: dir, env });
      expect(again.status).toBe(0);
      expect(again.stderr).toContain('default: all 4 tables already exist');
      expect(await liveTables()).toEqual(TABLES);
    });

    it('showmodels prints models, tables, fields and relations on stdout', async () => {
      const r = await runCli(['showmodels', '--app', 'app.ts'], { cwd: dir, env });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      const out = r.stdout;
      expect(out).toMatch(/^default \(.*\): 4 models/);
      expect(out).toContain('  Author -> table authors');
      expect(out).toContain('  Book -> table books');
      expect(out).toContain('    id: integer [primary key, autoincrement]');
      expect(out).toContain('    title: string(120)');
      expect(out).toContain('    pages: integer [nullable]');
      expect(out).toContain('    author: FK -> Author (column author_id, reverse Author.books)');
      expect(out).toContain('    tags: M2M -> Tag via BookTagsThrough, reverse Tag.books');
      expect(out).toContain('  BookTagsThrough -> table booktagsthrough [through]');
      expect(out).toContain('    label: string(40) [unique]');
      if (schema) expect(out).toContain(`schema ${schema}`);
    });

    it('dropall refuses without --yes when stdin gives no answer, and drops nothing', async () => {
      const r = await runCli(['dropall', '--app', 'app.ts'], { cwd: dir, env, input: '' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`Drop 4 tables${schema ? ` and schema "${schema}"` : ''} on default? [y/N]`);
      expect(r.stderr).toContain('--yes');
      expect(await liveTables()).toEqual(TABLES);
    });

    it('dropall keeps everything when the answer is not yes', async () => {
      const r = await runCli(['dropall', '--app', 'app.ts'], { cwd: dir, env, input: 'n\n' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('Aborted');
      expect(await liveTables()).toEqual(TABLES);
    });

    it('dropall drops after "y" on stdin, and --yes drops without asking', async () => {
      const r = await runCli(['dropall', '--app', 'app.ts'], { cwd: dir, env, input: 'y\n' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('default: dropped 4 tables');
      expect(await liveTables()).toEqual([]);

      expect((await runCli(['createall', '--app', 'app.ts'], { cwd: dir, env })).status).toBe(0);
      expect(await liveTables()).toEqual(TABLES);
      const yes = await runCli(['dropall', '--app', 'app.ts', '--yes'], { cwd: dir, env });
      expect(yes.status).toBe(0);
      expect(yes.stderr).not.toContain('[y/N]');
      expect(await liveTables()).toEqual([]);

      const nothing = await runCli(['dropall', '--app', 'app.ts'], { cwd: dir, env });
      expect(nothing.status).toBe(schema ? 1 : 0);
    });
  });
}

lifecycleSuite('SQLite', () => ({ url: 'sqlite://$DIR/app.db', listUrl: 'sqlite://$DIR/app.db' }));

describeWithServer('keelson CLI on PostgreSQL', PG_URL, () => {
  lifecycleSuite('PostgreSQL', () => ({ url: PG_URL, schema: uniqueName('cli'), listUrl: PG_URL }));
});

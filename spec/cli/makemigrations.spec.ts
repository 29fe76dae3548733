import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { runCli } from './in-process';
import { makeProject, removeProject } from './support';

describe('keelson makemigrations without a database', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProject('cli-makemigrations');
    writeFileSync(join(dir, 'app.ts'), 'export {};');
  });
  afterAll(() => removeProject(dir));

  it('is listed in --help and documents its options', async () => {
    expect((await runCli(['--help'], { cwd: dir })).stdout).toContain('  makemigrations');
    const r = await runCli(['makemigrations', '--help'], { cwd: dir });
    expect(r.status).toBe(0);
    for (const option of [
      '-m, --name <name>',
      '--rename <old:new>',
      '--fill <table.column=value>',
      '--allow-drop',
      '--check',
      '--dir <path>',
      '--database <alias>',
    ]) {
      expect(r.stdout).toContain(option);
    }
  });

  it('exits 2 on a usage mistake', async () => {
    const r = await runCli(['makemigrations', '--check=yes', '--app', 'app.ts'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('option --check takes no value');
  });
});

describeWithServer('keelson makemigrations on PostgreSQL', PG_URL, () => {
  let dir: string;
  const schema = uniqueName('climm');
  const env = (version: 1 | 2) => ({ APP_DB_URL: PG_URL, APP_SCHEMA: schema, APP_VERSION: String(version) });
  const cli = (version: 1 | 2, ...args: string[]) => runCli([...args, '--app', 'app.ts'], { cwd: dir, env: env(version) });
  const migrations = () => (existsSync(join(dir, 'migrations', 'default')) ? readdirSync(join(dir, 'migrations', 'default')).sort() : []);

  beforeAll(() => {
    dir = makeProject('cli-makemigrations-pg');
    // $APP_VERSION=2 declares the second version: a renamed column and table, a NOT NULL column.
    writeFileSync(
      join(dir, 'app.ts'),
      `
import { BaseModel, Field, Model, Registry } from 'keelson';

export const registry = new Registry(process.env.APP_DB_URL!, { schema: process.env.APP_SCHEMA });

if (process.env.APP_VERSION === '2') {
  @Model({ registry, tablename: 'article' })
  class Article extends BaseModel {
    @Field({ maxLength: 100 }) headline!: string;
    @Field() words!: number;
  }
  @Model({ registry, tablename: 'note' })
  class Note extends BaseModel {
    @Field({ type: 'text' }) body!: string;
  }
} else {
  @Model({ registry, tablename: 'article' })
  class Article extends BaseModel {
    @Field({ maxLength: 100 }) title!: string;
  }
  @Model({ registry, tablename: 'memo' })
  class Memo extends BaseModel {
    @Field({ type: 'text' }) body!: string;
  }
}
`,
    );
  });
  afterAll(async () => {
    const db = new Database(PG_URL);
    await db.connect();
    await (await db.runner()).raw('drop schema if exists ?? cascade', [schema]);
    await db.disconnect();
    removeProject(dir);
  });

  it('writes the initial migration; --check fails until it is applied, then passes', async () => {
    const made = await cli(1, 'makemigrations');
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('default: wrote migrations/default/0001_initial.ts');
    expect(made.stdout).toContain(`- create table ${schema}.article`);
    const pending = await cli(1, 'makemigrations', '--check');
    expect(pending.status).toBe(1);
    expect(pending.stdout).toContain('migration 0001_initial is not applied (keelson migrate)');
    // Writing another one before applying the first would repeat it.
    const again = await cli(1, 'makemigrations');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('run keelson migrate first');
    expect(migrations()).toEqual(['0001_initial.ts']);

    expect((await cli(1, 'migrate')).status).toBe(0);
    const clean = await cli(1, 'makemigrations', '--check');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe('default: no changes\n');

    const db = new Database(PG_URL);
    await db.connect();
    const knex = await db.runner();
    await knex(`${schema}.article`).insert([{ title: 'one' }, { title: 'two' }]);
    await knex(`${schema}.memo`).insert([{ body: 'kept' }]);
    await db.disconnect();
  });

  it('explains what is missing, writes nothing, and exits 1', async () => {
    const r = await cli(2, 'makemigrations');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('article.words is NOT NULL without a default and "article" has rows');
    expect(r.stderr).toContain('--fill article.words=<value>');
    const bad = await cli(2, 'makemigrations', '--rename', 'article-title-headline', '--fill', 'article.words=0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--rename article-title-headline: write it as old_table:new_table, or table.old_column:new_column.');
    const notNumber = await cli(2, 'makemigrations', '--fill', 'article.words=many');
    expect(notNumber.status).toBe(1);
    expect(notNumber.stderr).toContain('"many" is not a number');
    expect(migrations()).toEqual(['0001_initial.ts']);
  });

  it('without --rename, warns and comments the drops out; with it, renames and keeps the rows', async () => {
    const refused = await cli(2, 'makemigrations', '--fill', 'article.words=0');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('(or, if it is article.title renamed, pass --rename article.title:headline to keep its data)');
    const guess = await cli(2, 'makemigrations', '--fill', 'article.words=0', '--fill', 'article.headline=?', '--check');
    expect(guess.status).toBe(1);
    expect(guess.stderr).toContain('If it was renamed to headline, run again with --rename article.title:headline to keep its data.');
    expect(guess.stderr).toContain('If it was renamed to note, run again with --rename memo:note to keep its rows.');
    expect(guess.stdout).not.toContain('drop column');
    expect(migrations()).toEqual(['0001_initial.ts']);

    const r = await cli(
      2,
      'makemigrations',
      '-m',
      'Rename things!',
      '--rename',
      'article.title:headline',
      '--rename',
      'memo:note',
      '--fill',
      'article.words=0',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('default: wrote migrations/default/0002_rename_things.ts');
    const text = readFileSync(join(dir, 'migrations', 'default', '0002_rename_things.ts'), 'utf8');
    expect(text).toContain(".renameColumn('title', 'headline')");
    expect(text).toContain(".renameTable('memo', 'note')");
    expect(text).not.toMatch(/^\s*await .*dropColumn/m);

    expect((await cli(2, 'migrate')).status).toBe(0);
    expect((await cli(2, 'makemigrations', '--check')).stdout).toBe('default: no changes\n');
    const db = new Database(PG_URL);
    await db.connect();
    const knex = await db.runner();
    expect(await knex(`${schema}.article`).select('headline', 'words').orderBy('id')).toEqual([
      { headline: 'one', words: 0 },
      { headline: 'two', words: 0 },
    ]);
    expect(await knex(`${schema}.note`).select('body')).toEqual([{ body: 'kept' }]);
    await db.disconnect();
  });

  it('rolls the renames back with downgrade', async () => {
    expect((await cli(2, 'downgrade')).status).toBe(0);
    // The schema is version 1's again; only the rolled-back file remains to apply.
    expect((await cli(1, 'makemigrations', '--check')).stdout).toBe(
      'default: the database differs from the models:\n  - migration 0002_rename_things is not applied (keelson migrate)\n',
    );
    const db = new Database(PG_URL);
    await db.connect();
    const knex = await db.runner();
    expect(await knex(`${schema}.article`).select('title').orderBy('id')).toEqual([{ title: 'one' }, { title: 'two' }]);
    expect(await knex(`${schema}.memo`).select('body')).toEqual([{ body: 'kept' }]);
    await db.disconnect();
  });
});

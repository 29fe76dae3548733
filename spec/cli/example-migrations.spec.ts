import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runScript } from './in-process';
import { makeProject, removeProject, ROOT } from './support';

/**
 * The migration workflow on the example blog app: its models are copied into a project that imports
 * keelson as a package, then changed, the way a user changes theirs.
 */

/** Seeds the blog the way examples/blog/main.ts does. */
const SEED = `
import { Post, Profile, registry, Tag, User } from './models';
export async function main() {
  const ada = await User.query.create({ email: 'ada@example.com', name: 'Ada' });
  const linus = await User.query.create({ email: 'linus@example.org', name: 'Linus' });
  await Profile.query.create({ user: ada, bio: 'Wrote the first program.' });
  const ts = await Tag.query.create({ name: 'typescript' });
  const sql = await Tag.query.create({ name: 'sql' });
  for (let i = 0; i < 25; i++) {
    const post = await Post.query.create({ title: 'Post ' + i, author: i % 3 ? ada : linus, published: i % 2 === 0 });
    await post.tags.add(i % 2 ? ts : sql);
  }
  await registry.disconnect();
}
`;

/** Prints row counts and a checksum of every row of the tables the first version had. */
const CHECK = `
import { createHash } from 'node:crypto';
import { registry } from './models';
export async function main() {
  const knex = await registry.databaseFor('default').runner();
  const tables: Record<string, string[]> = {
    users: ['id', 'email', 'name'], profiles: ['id', 'user_id', 'bio'], tags: ['id', 'name'],
    posts: ['id', 'title', 'published', 'author_id'], posttagsthrough: ['id', 'post_id', 'tag_id'],
  };
  const out: Record<string, unknown> = {};
  for (const [table, columns] of Object.entries(tables)) {
    const rows = await knex(table).select(columns).orderBy('id');
    out[table] = { count: rows.length, sum: createHash('sha256').update(JSON.stringify(rows.map((r: Record<string, unknown>) => columns.map((c) => String(r[c]))))).digest('hex') };
  }
  console.log(JSON.stringify(out));
  await registry.disconnect();
}
`;

describe('the example app through a migration cycle', () => {
  let dir: string;
  const cli = (...args: string[]) => runCli([...args, '--app', 'models.ts'], { cwd: dir });
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    if (r.status !== 0) throw new Error(`keelson ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const check = async () => {
    const r = await runScript(dir, 'check.ts');
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Record<string, { count: number; sum: string }>;
  };

  beforeAll(() => {
    dir = makeProject('example-migrations');
    symlinkSync(join(ROOT, 'node_modules', 'class-validator'), join(dir, 'node_modules', 'class-validator'), 'dir');
    const models = readFileSync(join(ROOT, 'examples', 'blog', 'models.ts'), 'utf8').replace("from '../../lib'", "from 'keelson'");
    expect(models).toContain("from 'keelson'");
    writeFileSync(join(dir, 'models.ts'), models);
    writeFileSync(join(dir, 'seed.ts'), SEED);
    writeFileSync(join(dir, 'check.ts'), CHECK);
  });
  afterAll(() => removeProject(dir));

  it('change a model, makemigrations, migrate, downgrade, migrate again: the data stays', async () => {
    expect((await ok('makemigrations')).stdout).toContain('default: wrote migrations/default/0001_initial.ts');
    expect((await ok('migrate')).stderr).toContain('0001_initial');
    expect((await ok('makemigrations', '--check')).stdout).toBe('default: no changes\n');
    const seed = await runScript(dir, 'seed.ts');
    expect(seed.stderr).toBe('');
    const before = await check();
    expect(before.posts.count).toBe(25);
    expect(before.posttagsthrough.count).toBe(25);

    // The change: posts get a view counter and an index on `published`; user names get shorter.
    const models = readFileSync(join(dir, 'models.ts'), 'utf8');
    const changed = models
      .replace(
        "@Field({ type: 'boolean', default: false }) published!: boolean;",
        "@Field({ type: 'boolean', default: false, index: true }) published!: boolean;\n  @Field({ type: 'integer', default: 0 }) views!: number;",
      )
      .replace('@Field() name!: string;', '@Field({ maxLength: 100 }) name!: string;');
    expect(changed).toContain('views!: number');
    expect(changed).toContain('maxLength: 100 }) name');
    writeFileSync(join(dir, 'models.ts'), changed);

    const check1 = await cli('makemigrations', '--check');
    expect(check1.status).toBe(1);
    expect(check1.stdout).toContain('add column posts.views');
    const made = await ok('makemigrations', '-m', 'post views');
    expect(made.stdout).toContain('default: wrote migrations/default/0002_post_views.ts');
    expect(made.stderr).toContain('users.name');
    expect(readdirSync(join(dir, 'migrations', 'default')).sort()).toEqual(['0001_initial.ts', '0002_post_views.ts']);

    await ok('migrate');
    expect((await ok('makemigrations', '--check')).stdout).toBe('default: no changes\n');
    expect(await check()).toEqual(before);
    expect((await ok('showmigrations')).stdout).toMatch(/\[X\] 0001_initial[\s\S]*\[X\] 0002_post_views/);

    expect((await ok('downgrade')).stderr).toContain('0002_post_views');
    expect(await check()).toEqual(before);
    expect((await cli('makemigrations', '--check')).status).toBe(1);

    await ok('migrate');
    expect(await check()).toEqual(before);
    expect((await ok('makemigrations', '--check')).stdout).toBe('default: no changes\n');
    // A whole project's life in one test (a dozen commands and scripts): time to spare on a loaded machine.
  }, 120_000);
});

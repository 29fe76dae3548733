import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A temp folder whose migration files resolve `knex` (for their `import type`) from this checkout. */
export function migrationRoot(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `keelson-${prefix}-`));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Writes `files` (name → source) into `<root>/<alias>/`. */
export function writeMigrations(root: string, alias: string, files: Record<string, string>): void {
  mkdirSync(join(root, alias), { recursive: true });
  for (const [name, source] of Object.entries(files)) writeFileSync(join(root, alias, name), source);
}

/** Hand-written migrations: create a table, add a column, insert rows, add another column. */
export function blogMigrations(schema?: string, table = 'posts'): Record<string, string> {
  const s = schema ? `.withSchema(${JSON.stringify(schema)})` : '';
  const t = JSON.stringify(schema ? `${schema}.${table}` : table);
  const head = "import type { Knex } from 'knex';\n";
  return {
    '0001_initial.ts': `${head}
export async function up(knex: Knex): Promise<void> {
  await knex.schema${s}.createTable('${table}', (t) => {
    t.increments('id');
    t.string('title', 100).notNullable();
  });
}
export async function down(knex: Knex): Promise<void> {
  await knex.schema${s}.dropTable('${table}');
}
`,
    '0002_add_post_subtitle.ts': `${head}
export async function up(knex: Knex): Promise<void> {
  await knex.schema${s}.alterTable('${table}', (t) => {
    t.string('subtitle', 100).nullable();
  });
}
export async function down(knex: Knex): Promise<void> {
  await knex.schema${s}.alterTable('${table}', (t) => {
    t.dropColumn('subtitle');
  });
}
`,
    '0003_seed_posts.ts': `${head}
export async function up(knex: Knex): Promise<void> {
  await knex(${t}).insert([{ title: 'First', subtitle: 'one' }, { title: 'Second' }]);
}
export async function down(knex: Knex): Promise<void> {
  await knex(${t}).whereIn('title', ['First', 'Second']).del();
}
`,
    '0004_add_post_views.ts': `${head}
export async function up(knex: Knex): Promise<void> {
  await knex.schema${s}.alterTable('${table}', (t) => {
    t.integer('views').notNullable().defaultTo(0);
  });
}
export async function down(knex: Knex): Promise<void> {
  await knex.schema${s}.alterTable('${table}', (t) => {
    t.dropColumn('views');
  });
}
`,
  };
}

/** The names of {@link blogMigrations}, in order. */
export const ALL = ['0001_initial', '0002_add_post_subtitle', '0003_seed_posts', '0004_add_post_views'];

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BaseModel, Field, ForeignKey, hasChanges, makeMigrations, Migrator, Model, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { migrationRoot } from '../support/migration-files';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/** A primary on PostgreSQL and an `analytics` extra on SQLite: one migration folder and history each. */
function declare(registry: Registry) {
  @Model({ registry, tablename: 'account' })
  class Account extends BaseModel {
    @Field({ maxLength: 60 }) email!: string;
  }
  @Model({ registry, tablename: 'pageview', database: 'analytics' })
  class PageView extends BaseModel {
    @Field({ maxLength: 200 }) path!: string;
    // Across databases: a column, no constraint.
    @ForeignKey(() => Account, { nullable: true }) account?: Relation<Account> | null;
  }
  return { Account, PageView };
}

describeWithServer('makemigrations with several databases', PG_URL, () => {
  const schema = uniqueName('mmx');
  let dir: string;
  let sqliteDir: string;
  const registries: Registry[] = [];
  const open = (version: 1 | 2) => {
    const registry = new Registry(PG_URL, { schema, extra: { analytics: `sqlite://${join(sqliteDir, 'analytics.db')}` } });
    declare(registry);
    if (version === 2) {
      @Model({ registry, tablename: 'pageview_daily', database: 'analytics' })
      class Daily extends BaseModel {
        @Field({ type: 'date' }) day!: string;
        @Field({ type: 'integer', default: 0 }) views!: number;
      }
      void Daily;
    }
    registries.push(registry);
    return registry;
  };

  beforeAll(() => {
    dir = migrationRoot('mm-several');
    sqliteDir = mkdtempSync(join(tmpdir(), 'keelson-mm-several-'));
  });
  afterAll(async () => {
    const last = registries[registries.length - 1];
    await last.connect();
    await last.schema.dropSchema(schema, { cascade: true, ifExists: true });
    for (const r of registries) await r.disconnect();
    rmSync(dir, { recursive: true, force: true });
    rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('writes one migration per alias into its own folder, each applied on its own database', async () => {
    const registry = open(1);
    await registry.connect();
    const results = await makeMigrations(registry, { config: { directory: dir } });
    expect(results.map((r) => [r.alias, r.file?.split('/').slice(-2).join('/')])).toEqual([
      ['default', 'default/0001_initial.ts'],
      ['analytics', 'analytics/0001_initial.ts'],
    ]);
    // The cross-database relation is a plain column: no foreign key in the SQLite migration.
    const analytics = results.find((r) => r.alias === 'analytics')!;
    const table = analytics.operations.find((p) => p.op.kind === 'createTable')!.op as { table: { foreignKeys: unknown[] } };
    expect(table.table.foreignKeys).toEqual([]);

    expect(await new Migrator(registry, 'default', { directory: dir }).latest()).toEqual(['0001_initial']);
    expect(await new Migrator(registry, 'analytics', { directory: dir }).latest()).toEqual(['0001_initial']);
    for (const r of await makeMigrations(registry, { config: { directory: dir }, check: true })) expect(hasChanges(r)).toBe(false);
  });

  it('--database limits the diff to one alias', async () => {
    const registry = open(2);
    await registry.connect();
    const results = await makeMigrations(registry, { config: { directory: dir }, databases: ['analytics'] });
    expect(results.map((r) => r.alias)).toEqual(['analytics']);
    expect(readdirSync(join(dir, 'analytics')).sort()).toEqual(['0001_initial.ts', '0002_create_pageview_daily.ts']);
    expect(readdirSync(join(dir, 'default'))).toEqual(['0001_initial.ts']);
    expect(await new Migrator(registry, 'analytics', { directory: dir }).latest()).toEqual(['0002_create_pageview_daily']);
    for (const r of await makeMigrations(registry, { config: { directory: dir }, check: true })) expect(hasChanges(r)).toBe(false);
  });
});

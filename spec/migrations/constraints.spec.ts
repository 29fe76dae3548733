import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BaseModel, DatabaseError, Field, ForeignKey, Model, Registry } from '../../lib';
import type { ModelClass, Relation } from '../../lib';
import { AliasMigration, makeMigrations, MakeMigrationsOptions } from '../../lib/migrations/make';
import { describe as describeOp } from '../../lib/migrations/operations';
import { Migrator } from '../../lib/migrations/migrator';
import { migrationRoot } from '../support/migration-files';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/**
 * Model constraints through migrations, on every dialect: adding CHECK, unique and partial unique constraints
 * makes a migration (a table rebuild on SQLite for a CHECK), its down removes them, removing them from the
 * model makes another migration, and after each step `makemigrations --check` is clean.
 */

jest.setTimeout(120_000);

type DialectName = 'sqlite' | 'postgres' | 'mysql';
const NOW = new Date('2026-01-02T03:04:05Z');

/** The models: a shop whose products have constraints when `withConstraints`. */
function shop(withConstraints: boolean, partial: boolean) {
  return (registry: Registry) => {
    @Model({ registry, tablename: 'cm_maker' })
    class Maker extends BaseModel {
      @Field({ maxLength: 30 }) name!: string;
    }
    @Model({
      registry,
      tablename: 'cm_product',
      constraints: withConstraints
        ? [
            { name: 'cm_price_ok', check: 'price >= 0' },
            { name: 'cm_code_per_maker', unique: ['maker', 'code'] },
            ...(partial ? [{ name: 'cm_live_sku', unique: ['sku'], condition: { deleted__isnull: true } }] : []),
          ]
        : [],
    })
    class Product extends BaseModel {
      @Field({ maxLength: 20 }) code!: string;
      @Field({ maxLength: 20 }) sku!: string;
      @Field({ type: 'integer' }) price!: number;
      @Field({ type: 'datetime', nullable: true }) deleted?: Date | null;
      @ForeignKey('Maker', { onDelete: 'CASCADE' }) maker!: Relation<Maker>;
    }
    void Product;
  };
}

function cases(dialect: DialectName, serverUrl: string) {
  const dir = migrationRoot('constraints');
  const schema = dialect === 'sqlite' ? undefined : uniqueName('cm');
  const url = dialect === 'sqlite' ? `sqlite://${join(dir, 'app.db')}` : serverUrl;
  const partial = dialect !== 'mysql';
  const registries: Registry[] = [];
  const open = (withConstraints: boolean) => {
    const registry = new Registry(url, schema ? { schema } : {});
    shop(withConstraints, partial)(registry);
    registries.push(registry);
    return registry;
  };
  const make = async (registry: Registry, options: MakeMigrationsOptions = {}): Promise<AliasMigration> => {
    await registry.connect();
    const [result] = await makeMigrations(registry, { config: { directory: dir }, now: NOW, ...options });
    return result;
  };
  const changes = async (registry: Registry) => {
    const plan = await make(registry, { check: true });
    return [...plan.pending.map((p) => `pending ${p}`), ...plan.operations.filter((p) => !p.skipped).map((p) => describeOp(p.op))];
  };
  const migrator = (registry: Registry) => new Migrator(registry, 'default', { directory: dir });
  const product = (registry: Registry) => registry.models.Product as ModelClass;

  afterAll(async () => {
    for (const r of registries) await r.disconnect();
    if (schema) {
      const cleanup = new Registry(serverUrl);
      try {
        await cleanup.connect();
        await cleanup.schema.dropSchema(schema, { cascade: true, ifExists: true });
      } finally {
        await cleanup.disconnect();
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds constraints by migration, removes them on downgrade and by a later migration', async () => {
    const v1 = open(false);
    const first = await make(v1);
    expect(first.file).toMatch(/0001_initial\.ts$/);
    await migrator(v1).latest();
    expect(await changes(v1)).toEqual([]);
    const maker = await (v1.models.Maker as ModelClass).query.create({ name: 'acme' });
    await product(v1).query.create({ code: 'a', sku: 's', price: 1, maker });

    // Adding them makes a migration; applied, the database enforces them and the check is clean.
    const v2 = open(true);
    const added = await make(v2);
    const text = readFileSync(added.file!, 'utf8');
    const described = added.operations.map((p) => describeOp(p.op));
    if (dialect === 'sqlite') {
      expect(described.some((d) => d.startsWith('rebuild table cm_product') && d.includes('add check cm_price_ok'))).toBe(true);
    } else {
      expect(described).toContain('add check cm_price_ok on ' + (schema ? `${schema}.cm_product` : 'cm_product'));
    }
    expect(text).toContain('cm_code_per_maker');
    if (partial) expect(text).toMatch(/create unique index "cm_live_sku"/);
    const name = basename(added.file!, '.ts');
    expect(await migrator(v2).latest()).toEqual([name]);
    expect(await changes(v2)).toEqual([]);
    const m2 = await (v2.models.Maker as ModelClass).query.get({ name: 'acme' });
    await expect(product(v2).query.create({ code: 'b', sku: 's2', price: -5, maker: m2 })).rejects.toThrow(DatabaseError);
    await expect(product(v2).query.create({ code: 'a', sku: 's3', price: 1, maker: m2 })).rejects.toThrow(DatabaseError);
    if (partial) {
      await expect(product(v2).query.create({ code: 'c', sku: 's', price: 1, maker: m2 })).rejects.toThrow(DatabaseError);
      await product(v2).query.create({ code: 'd', sku: 's', price: 1, maker: m2, deleted: new Date() });
      await product(v2).query.filter({ code: 'd' }).delete();
    }

    // Down takes them off again: clean against the models without them.
    expect(await migrator(v2).downgrade()).toEqual([name]);
    const v1again = open(false);
    const down = await make(v1again, { check: true });
    expect(down.pending).toEqual([name]);
    expect(down.operations.filter((p) => !p.skipped).map((p) => describeOp(p.op))).toEqual([]);
    await product(v1again).query.create({ code: 'e', sku: 's4', price: -1, maker: m2 });
    await product(v1again).query.filter({ code: 'e' }).delete();

    // Up again, then a model without them makes the migration that drops them.
    expect(await migrator(v1again).latest()).toEqual([name]);
    const v3 = open(false);
    const removed = await make(v3);
    const removedText = readFileSync(removed.file!, 'utf8');
    expect(removedText).toContain('cm_price_ok');
    await migrator(v3).latest();
    expect(await changes(v3)).toEqual([]);
    const m3 = await (v3.models.Maker as ModelClass).query.get({ name: 'acme' });
    await product(v3).query.create({ code: 'a', sku: 's', price: -1, maker: m3 });
    expect(await product(v3).query.count()).toBe(2);
  });
}

describe('constraints through migrations', () => {
  describe('on SQLite', () => cases('sqlite', ''));
  describeWithServer('on PostgreSQL', PG_URL, () => cases('postgres', PG_URL));
  describeWithServer('on MariaDB', MYSQL_URL, () => cases('mysql', MYSQL_URL));
});

import knexFactory from 'knex';
import { BaseModel, Database, DatabaseError, Field, ForeignKey, Model, ModelDefinitionError, NotSupportedError, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { planMigration } from '../../lib/migrations/make';
import { generateModels } from '../../lib/cli/codegen';
import { predicateLookups } from '../../lib/cli/codegen/constraints';
import { describe as describeOp } from '../../lib/migrations/operations';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** `@Model({ constraints })`: CHECK constraints and (partial) unique constraints in the DDL, refused when they cannot apply. */

jest.setTimeout(60_000);

describe('constraints are checked when the model is declared', () => {
  const registry = new Registry('sqlite::memory:');
  const declare = (constraints: unknown[], name = uniqueName('C')) => {
    @Model({ registry, name, tablename: name.toLowerCase(), constraints: constraints as never })
    class Item extends BaseModel {
      @Field({ maxLength: 20 }) code!: string;
      @Field({ type: 'integer' }) price!: number;
      @Field({ type: 'datetime', nullable: true }) deleted_at?: Date | null;
    }
    return Item;
  };
  const refused = (constraints: unknown[], message: RegExp) => {
    expect(() => declare(constraints)).toThrow(ModelDefinitionError);
    expect(() => declare(constraints)).toThrow(message);
  };

  it('accepts checks, uniques and conditions, naming uniques like Knex', () => {
    const Item = declare(
      [
        { name: 'price_positive', check: 'price >= 0' },
        { unique: ['code', 'price'] },
        { name: 'live_code', unique: ['code'], condition: { deleted_at__isnull: true } },
      ],
      'CItem',
    );
    expect(Item.meta.constraints).toEqual([
      { name: 'price_positive', check: 'price >= 0' },
      { name: 'citem_code_price_unique', unique: ['code', 'price'] },
      { name: 'live_code', unique: ['code'], condition: { deleted_at__isnull: true } },
    ]);
  });

  it('refuses what it cannot apply', () => {
    refused([{ unique: ['nope'] }], /constraints\[0\]: unique names "nope", which is not a field/);
    refused([{ unique: [] }], /non-empty list of field names/);
    refused([{ check: 'price >= 0' }], /a check constraint needs a name/);
    refused([{ name: 'x', check: 'price >= 0', unique: ['code'] }], /unknown key "unique"/);
    refused([{ name: 'x', uniq: ['code'] }], /unknown key "uniq"/);
    refused(
      [
        { name: 'x', check: 'price >= 0' },
        { name: 'x', unique: ['code'] },
      ],
      /"x" is also constraints\[0\]'s/,
    );
    refused([{ name: 'bad name', check: 'price >= 0' }], /not a valid identifier/);
    refused([{ name: 'x', check: 'price >= 0; drop table users' }], /without ";"/);
    refused([{ name: 'x', check: '' }], /one SQL expression/);
    refused(['price >= 0'], /must be an object/);
    refused([{ unique: ['code'], condition: { nope__isnull: true } }], /condition "nope__isnull" names no field/);
    refused([{ unique: ['code'], condition: { code__author__isnull: true } }], /cannot follow relations/);
    refused([{ unique: ['code'], condition: {} }], /condition must be lookups/);
    refused([{ unique: ['code'], condition: { deleted_at__isnull: 'yes' } }], /takes true or false/);
    refused([{ unique: ['code'], condition: { code: { $ne: 1 } } }], /cannot compare/);
    expect(() => declare({} as never)).toThrow(/constraints must be an array/);
  });

  it('refuses a condition on MariaDB, naming the model, the constraint and why', () => {
    const mysql = new Registry(MYSQL_URL);
    const attempt = () => {
      @Model({ registry: mysql, tablename: 'never_made', constraints: [{ name: 'live_code', unique: ['code'], condition: { active: true } }] })
      class Never extends BaseModel {
        @Field({ maxLength: 20 }) code!: string;
        @Field() active!: boolean;
      }
      return Never;
    };
    expect(attempt).toThrow(ModelDefinitionError);
    expect(attempt).toThrow(/Never: constraint "live_code" has a condition, which needs a partial index, and MySQL\/MariaDB has none/);
  });

  it('compiles a condition into a literal predicate (no bindings), quotes and all', () => {
    const r = new Registry('sqlite::memory:');
    @Model({
      registry: r,
      tablename: 'quoted',
      constraints: [{ name: 'q_live', unique: ['code'], condition: { status: "it's?", deleted_at__isnull: true, price__gte: 3 } }],
    })
    class Quoted extends BaseModel {
      @Field({ maxLength: 20 }) code!: string;
      @Field({ maxLength: 20 }) status!: string;
      @Field({ type: 'integer' }) price!: number;
      @Field({ type: 'datetime', nullable: true }) deleted_at?: Date | null;
    }
    void Quoted;
    const sql = r.metadata.toSQL(knexFactory({ client: 'sqlite3', useNullAsDefault: true })).join('\n');
    expect(sql).toContain('create unique index "q_live" on "quoted" ("code") where `status` = \'it\'\'s?\' and `deleted_at` is null and `price` >= 3');
  });
});

/** Models with every kind of constraint, for one dialect. */
function declareShop(registry: Registry, prefix: string, partial: boolean) {
  @Model({ registry, tablename: `${prefix}_maker` })
  class Maker extends BaseModel {
    @Field({ maxLength: 30 }) name!: string;
  }
  @Model({
    registry,
    tablename: `${prefix}_product`,
    constraints: [
      { name: `${prefix}_price_ok`, check: "price >= 0 and code <> 'what?'" },
      { unique: ['maker', 'code'] },
      ...(partial ? [{ name: `${prefix}_live_sku`, unique: ['sku'], condition: { deleted__isnull: true, status: 'active' } }] : []),
    ],
  })
  class Product extends BaseModel {
    @Field({ maxLength: 20 }) code!: string;
    @Field({ maxLength: 20 }) sku!: string;
    @Field({ type: 'integer' }) price!: number;
    @Field({ maxLength: 10, default: 'active' }) status!: string;
    @Field({ type: 'datetime', nullable: true }) deleted?: Date | null;
    @ForeignKey('Maker', { onDelete: 'CASCADE' }) maker!: Relation<Maker>;
  }
  return { Maker, Product };
}

function databaseSuite(label: string, url: string, dialect: 'sqlite' | 'postgres' | 'mysql') {
  const body = () => {
    const prefix = uniqueName('cs');
    const partial = dialect !== 'mysql';
    let registry: Registry;
    let models: ReturnType<typeof declareShop>;

    beforeAll(async () => {
      registry = new Registry(url);
      models = declareShop(registry, prefix, partial);
      await registry.connect();
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll().catch(() => undefined);
      await registry.disconnect();
    });

    it('the database refuses rows that break a check', async () => {
      const maker = await models.Maker.query.create({ name: 'acme' });
      await models.Product.query.create({ code: 'a', sku: 's1', price: 0, maker });
      await expect(models.Product.query.create({ code: 'b', sku: 's2', price: -1, maker })).rejects.toThrow(DatabaseError);
      // The check's `?` stayed a question mark (not a `$1`): a row with that code is refused.
      await expect(models.Product.query.create({ code: 'what?', sku: 's3', price: 1, maker })).rejects.toThrow(DatabaseError);
    });

    it('the database refuses duplicates of a unique constraint', async () => {
      const maker = await models.Maker.query.create({ name: 'other' });
      await models.Product.query.create({ code: 'u', sku: 'u1', price: 1, maker });
      await expect(models.Product.query.create({ code: 'u', sku: 'u2', price: 1, maker })).rejects.toThrow(DatabaseError);
    });

    if (partial) {
      it('a partial unique refuses duplicates only where its condition holds', async () => {
        const maker = await models.Maker.query.create({ name: 'partial' });
        await models.Product.query.create({ code: 'p1', sku: 'dup', price: 1, maker });
        await expect(models.Product.query.create({ code: 'p2', sku: 'dup', price: 1, maker })).rejects.toThrow(DatabaseError);
        // Outside the condition: deleted rows and inactive ones may repeat the sku.
        await models.Product.query.create({ code: 'p3', sku: 'dup', price: 1, maker, deleted: new Date() });
        await models.Product.query.create({ code: 'p4', sku: 'dup', price: 1, maker, deleted: new Date() });
        await models.Product.query.create({ code: 'p5', sku: 'dup', price: 1, maker, status: 'retired' });
        expect(await models.Product.query.filter({ sku: 'dup' }).count()).toBe(4);
      });
    }

    it('createAll is idempotent and the database matches the models (makemigrations --check is clean)', async () => {
      await registry.createAll();
      const plan = await planMigration(registry, 'default');
      const mine = plan.operations.filter((p) => !p.skipped && describeOp(p.op).includes(prefix));
      expect(mine.map((p) => describeOp(p.op))).toEqual([]);
    });

    it('introspection reads the constraints back', async () => {
      const knex = await registry.databaseFor('default').runner();
      const [table] = await registry.databaseFor('default').driver.introspect(knex, undefined, [`${prefix}_product`]);
      const names = (table.constraints ?? []).map((c) => c.name);
      expect(names).toEqual(partial ? [`${prefix}_live_sku`, `${prefix}_price_ok`] : [`${prefix}_price_ok`]);
      expect(table.indexes.map((i) => i.name)).toContain(`${prefix}_product_maker_id_code_unique`);
    });

    it('inspectdb writes them back into @Model({ constraints })', async () => {
      const knex = await registry.databaseFor('default').runner();
      const driver = registry.databaseFor('default').driver;
      const tables = await driver.introspect(knex, undefined, [`${prefix}_maker`, `${prefix}_product`]);
      const source = generateModels(tables, { dialect: driver });
      expect(source).toContain('constraints: [{ name: ');
      expect(source).toMatch(new RegExp(`\\{ name: "${prefix}_price_ok", check: "[^"]*price[^"]*" \\}`));
      if (partial) expect(source).toContain(`{ name: "${prefix}_live_sku", unique: ["sku"], condition: { deleted__isnull: true, status: "active" } }`);
      // The unique constraint comes back as the uniqueTogether it is in the database; its key needs no index of its own.
      expect(source).toContain('uniqueTogether: [["maker", "code"]]');
      expect(source).not.toContain('index: false');
    });
  };
  if (dialect === 'sqlite') describe(label, body);
  else describeWithServer(label, url, body);
}

databaseSuite('constraints on SQLite', 'sqlite::memory:', 'sqlite');
databaseSuite('constraints on PostgreSQL', PG_URL, 'postgres');
databaseSuite('constraints on MariaDB', MYSQL_URL, 'mysql');

describe('a partial unique created on a database without partial indexes', () => {
  it('is NotSupportedError at createAll (createAll({ on }) onto MariaDB), naming the constraint', () => {
    const registry = new Registry('sqlite::memory:');
    const name = uniqueName('late');
    @Model({ registry, tablename: name, constraints: [{ name: `${name}_u`, unique: ['code'], condition: { code__isnull: false } }] })
    class Late extends BaseModel {
      @Field({ type: 'string', maxLength: 20, nullable: true }) code?: string | null;
    }
    void Late;
    const compile = () => registry.metadata.createBuilders(knexFactory({ client: 'mysql2' }), new Set(), new Database(MYSQL_URL));
    expect(compile).toThrow(NotSupportedError);
    expect(compile).toThrow(new RegExp(`constraint "${name}_u" has a condition, which needs a partial index, and MySQL/MariaDB has none`));
  });
});

describe('inspectdb reads a partial index predicate back into lookups', () => {
  const props = (c: string) => (c === 'other' ? undefined : c);
  it.each([
    ['(deleted IS NULL)', { deleted__isnull: true }],
    ["((deleted IS NULL) AND ((status)::text = 'it''s'::text))", { deleted__isnull: true, status: "it's" }],
    ["`deleted` is null and `status` = 'active' and `n` >= 3", undefined],
    ['"deleted" is not null and "n" = 3', { deleted__isnull: false, n: 3 }],
    ['active', { active: true }],
    ['(NOT active)', { active: false }],
    ['other IS NULL', undefined],
    ["lower(code) = 'x'", undefined],
  ])('%s', (where, lookups) => {
    expect(predicateLookups(where, props)).toEqual(lookups);
  });
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BaseModel, Field, ForeignKey, Manager, Model, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/*
 * 1,000 tenant schemas in one process: what each one costs in memory. A tenant is a schema name in an
 * AsyncLocalStorage store and, per query shape, one compiled statement in the bounded statement cache;
 * never a copy of a model class or of its metadata.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const TENANTS = 1000;

describeWithServer('1,000 tenant schemas on PostgreSQL', PG_URL, () => {
  const prefix = uniqueName('scale');
  const schemas = Array.from({ length: TENANTS }, (_, i) => `${prefix}_t${i}`);

  function declare(registry: Registry) {
    @Model({ registry, tablename: `${prefix}_accounts`, shared: true })
    class Account extends BaseModel {
      declare static query: Manager<Account>;
      @Field({ maxLength: 40 }) name!: string;
    }

    @Model({ registry, tablename: `${prefix}_notes` })
    class Note extends BaseModel {
      declare static query: Manager<Note>;
      @Field({ maxLength: 40 }) title!: string;
      @ForeignKey(() => Account, { relatedName: 'notes' }) account!: Relation<Account>;
    }
    return { Account, Note };
  }

  const registry = new Registry(PG_URL);
  const { Account, Note } = declare(registry);

  beforeAll(async () => {
    await registry.createAll();
    await Account.query.create({ name: 'shared' });
    // One round trip for the thousand schemas (createSchema's one transaction per schema would be the slow part of this test).
    const ddl = schemas
      .map(
        (s) =>
          `create schema "${s}"; create table "${s}"."${prefix}_notes" (id serial primary key, title varchar(40) not null, account_id integer not null references "${prefix}_accounts" (id));`,
      )
      .join('\n');
    await registry.database.knex.raw(ddl);
  }, 120_000);
  afterAll(async () => {
    for (let i = 0; i < schemas.length; i += 200)
      await registry.database.knex.raw(
        `drop schema ${schemas
          .slice(i, i + 200)
          .map((s) => `"${s}"`)
          .join(', ')} cascade`,
      );
    await registry.dropAll();
    await registry.disconnect();
  }, 120_000);

  /** Writes and reads one note in every tenant; returns the heap growth per tenant, in bytes. */
  async function touchEveryTenant(on: Registry, model: typeof Note, pass: string): Promise<number> {
    const account = await Account.query.get({ name: 'shared' });
    // Warm up: the first tenant compiles the shapes the others then reuse.
    await on.withSchema(schemas[0], () => model.query.filter({ title: 'warm' }).count());
    const before = heapAfterGc();
    for (const schema of schemas) {
      await on.withSchema(schema, async () => {
        await model.query.create({ title: `${pass}-${schema}`, account: account.pk as never });
        const notes = await model.query
          .filter({ title: `${pass}-${schema}` })
          .selectRelated('account')
          .fetch();
        if (notes.length !== 1 || notes[0].account.name !== 'shared') throw new Error(`tenant ${schema} read ${notes.length} notes`);
      });
    }
    return (heapAfterGc() - before) / schemas.length;
  }

  it('costs a bounded amount of memory per tenant, and no model copies', async () => {
    const models = Object.keys(registry.models).length;
    const perTenant = await touchEveryTenant(registry, Note, 'a');
    console.log(`1,000 tenant schemas: ${(perTenant / 1024).toFixed(2)} KB of heap per tenant (statement cache holding ${registry.database.statements.size})`);
    expect(Object.keys(registry.models).length).toBe(models);
    expect(registry.database.statements.size).toBeLessThanOrEqual(1000);
    // Two compiled statements per tenant (the read, and the read with its join) in the cache: a few KB at most.
    expect(perTenant).toBeLessThan(8 * 1024);
    // Every tenant has its own row, and the default schema none.
    expect(await registry.withSchema(schemas[TENANTS - 1], () => Note.query.count())).toBe(1);
    expect(await registry.withSchema(schemas[0], () => Note.query.filter({ title: `a-${schemas[1]}` }).exists())).toBe(false);
  }, 120_000);

  it('with a small statement cache, memory stops growing with the number of tenants', async () => {
    const small = new Registry(PG_URL, { statementCacheSize: 50 });
    const { Note: SmallNote } = declare(small);
    try {
      await small.connect();
      const perTenant = await touchEveryTenant(small, SmallNote, 'b');
      console.log(`1,000 tenant schemas, statementCacheSize 50: ${(perTenant / 1024).toFixed(2)} KB of heap per tenant`);
      expect(small.database.statements.size).toBe(50);
      // What is left is the schema names themselves and the V8 heap's own noise.
      expect(perTenant).toBeLessThan(1.5 * 1024);
    } finally {
      await small.disconnect();
    }
  }, 120_000);
});

import { BaseModel, Field, ForeignKey, Manager, ManyToMany, Model, NotSupportedError, QueryError, Registry } from '../../lib';
import type { ManyRelation, QueryEvent, Relation } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/*
 * Ambient tenancy: `registry.withSchema(schema, fn)` puts every query of tenant models inside `fn` on the
 * tenant's schema (PostgreSQL) or database (MariaDB); `shared` models stay in the default one.
 */

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix, shared: true })
  class Plan extends BaseModel {
    declare static query: Manager<Plan>;
    @Field({ maxLength: 30, unique: true }) code!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    @Field({ maxLength: 30 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Project extends BaseModel {
    declare static query: Manager<Project>;
    @Field({ maxLength: 40 }) name!: string;
    @ForeignKey(() => Plan, { relatedName: 'projects' }) plan!: Relation<Plan>;
    @ManyToMany(() => Tag, { relatedName: 'projects' }) tags!: ManyRelation<Tag>;
  }
  return { Plan, Tag, Project };
}

for (const { label, url } of [
  { label: 'PostgreSQL', url: PG_URL },
  { label: 'MariaDB', url: MYSQL_URL },
]) {
  describeWithServer(`registry.withSchema on ${label}`, url, () => {
    const events: QueryEvent[] = [];
    const registry = new Registry(url, { onQuery: (e) => events.push(e) });
    const prefix = uniqueName('ws');
    const { Plan, Tag, Project } = declare(registry, prefix);
    const tenants = [uniqueName('acme'), uniqueName('globex'), uniqueName('initech')];

    beforeAll(async () => {
      await registry.createAll();
      for (const tenant of tenants) await registry.schema.createSchema(tenant, { initModels: true });
      await Plan.query.bulkCreate([{ code: 'free' }, { code: 'pro' }]);
    });
    afterAll(async () => {
      for (const tenant of tenants) await registry.schema.dropSchema(tenant, { cascade: true, ifExists: true });
      await registry.dropAll();
      await registry.disconnect();
    });

    it('creates only tenant tables in a tenant schema; shared tables stay in the default one', async () => {
      const tables = await registry.database.driver.listTables(registry.database.knex, tenants[0]);
      // Projects, tags and the projects–tags link table; not plans.
      expect(tables.size).toBe(3);
      expect([tables.has(`${prefix}_projects`), tables.has(`${prefix}_tags`), tables.has(`${prefix}_plans`)]).toEqual([true, true, false]);
    });

    it("puts each tenant's rows in its own schema, and concurrent tenants never see each other's rows", async () => {
      const pro = await Plan.query.get({ code: 'pro' });
      const work = tenants.flatMap((tenant, t) =>
        Array.from({ length: 5 }, (_, i) =>
          registry.withSchema(tenant, async () => {
            await new Promise((r) => setTimeout(r, (i * 7 + t * 3) % 11));
            const project = await Project.query.create({ name: `${tenant}-${i}`, plan: pro });
            await new Promise((r) => setTimeout(r, (i * 5 + t) % 7));
            // A tenant's reads see its own rows only, however the tasks interleave.
            const names = await Project.query.valuesList('name', { flat: true });
            return { tenant, project, names: names as string[] };
          }),
        ),
      );
      for (const { tenant, names } of await Promise.all(work)) {
        expect(names.length).toBeGreaterThan(0);
        expect(names.every((n) => n.startsWith(`${tenant}-`))).toBe(true);
      }
      for (const tenant of tenants) {
        expect(await registry.withSchema(tenant, () => Project.query.count())).toBe(5);
        // The shared model is read from the default schema inside a tenant too.
        expect(await registry.withSchema(tenant, () => Plan.query.count())).toBe(2);
        const [project] = await registry.withSchema(tenant, () => Project.query.selectRelated('plan').limit(1).fetch());
        expect(project.plan.code).toBe('pro');
      }
      // Outside any tenant: the default schema's own (empty) table.
      expect(await Project.query.count()).toBe(0);
    });

    it('keys compiled statements on the tenant schema: one shape, each tenant its own statement and rows', async () => {
      const before = registry.database.statements.size;
      const [a, b] = await Promise.all([
        registry.withSchema(tenants[0], () => Project.query.get({ name: `${tenants[0]}-1` })),
        registry.withSchema(tenants[1], () => Project.query.get({ name: `${tenants[1]}-1` })),
      ]);
      expect([a.name, b.name]).toEqual([`${tenants[0]}-1`, `${tenants[1]}-1`]);
      expect(await registry.withSchema(tenants[1], () => Project.query.filter({ name: `${tenants[0]}-1` }).exists())).toBe(false);
      expect(registry.database.statements.size).toBeGreaterThanOrEqual(before + 2);
    });

    it('lets instances remember their tenant: writes outside withSchema go back to its schema', async () => {
      const project = await registry.withSchema(tenants[2], () => Project.query.get({ name: `${tenants[2]}-0` }));
      project.name = `${tenants[2]}-renamed`;
      await project.save();
      expect(await registry.withSchema(tenants[2], () => Project.query.filter({ name: `${tenants[2]}-renamed` }).exists())).toBe(true);
      expect(await Project.query.count()).toBe(0);
      await project.update({ name: `${tenants[2]}-0` });
    });

    it('links many-to-many rows and prefetches them inside the tenant', async () => {
      await registry.withSchema(tenants[0], async () => {
        const [red, blue] = await Tag.query.bulkCreate([{ name: 'red' }, { name: 'blue' }]);
        const project = await Project.query.get({ name: `${tenants[0]}-2` });
        await project.tags.add(red, blue);
        const [loaded] = await Project.query.filter({ name: `${tenants[0]}-2` }).prefetchRelated('tags');
        expect((await loaded.tags.all()).map((t) => t.name).sort()).toEqual(['blue', 'red']);
      });
      expect(await registry.withSchema(tenants[1], () => Tag.query.count())).toBe(0);
    });

    it('lets usingSchema() override it, and runs transactions inside it (and it inside transactions)', async () => {
      await registry.withSchema(tenants[0], async () => {
        expect(await Project.query.usingSchema(tenants[1]).count()).toBe(5);
        await expect(
          registry.database.transaction(async () => {
            await Project.query.create({ name: 'doomed', plan: await Plan.query.get({ code: 'free' }) });
            expect(await Project.query.filter({ name: 'doomed' }).exists()).toBe(true);
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        expect(await Project.query.filter({ name: 'doomed' }).exists()).toBe(false);
      });
      await registry.database.transaction(async () => {
        expect(await registry.withSchema(tenants[1], () => Project.query.count())).toBe(5);
      });
    });

    it('refuses a bad schema name before sending anything', async () => {
      events.length = 0;
      for (const bad of ['', 'a"b', 'x'.repeat(200), 42 as never]) {
        await expect(registry.withSchema(bad, () => Project.query.count())).rejects.toThrow(QueryError);
      }
      await expect(registry.withSchema('has space; drop', () => Project.query.count())).rejects.toThrow(/withSchema\(\)/);
      expect(events).toEqual([]);
    });
  });
}

describe('registry.withSchema on SQLite', () => {
  it('says SQLite has no schemas', async () => {
    const registry = new Registry('sqlite::memory:');
    await expect(registry.withSchema('tenant', async () => 1)).rejects.toThrow(NotSupportedError);
    await registry.disconnect();
  });
});

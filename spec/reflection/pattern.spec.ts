import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { AutoReflectModel, BaseModel, Database, Field, LookupError, Model, ModelClass, ModelDefinitionError, Registry } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';

/** A log table: id, message, level (or without `message`, to be skipped). */
async function makeLog(knex: Knex, name: string, schema?: string, withMessage = true): Promise<void> {
  const builder = schema ? knex.schema.withSchema(schema) : knex.schema;
  await builder.createTable(name, (t) => {
    t.increments('id');
    if (withMessage) t.string('message', 100).notNullable();
    t.string('level', 10).notNullable().defaultTo('info');
  });
}

interface Target {
  url: string;
  schema?: string;
  /** A second namespace (PostgreSQL schema) for `schemes`. */
  other?: string;
  drop(): Promise<void>;
}

function patternSuite(label: string, open: () => Promise<Target>) {
  describe(`pattern models on ${label}`, () => {
    let target: Target;
    let admin: Database;
    const registries: Registry[] = [];
    const fresh = (options: ConstructorParameters<typeof Registry>[1] = {}) => {
      const registry = new Registry(target.url, { schema: target.schema, ...options });
      registries.push(registry);
      return registry;
    };

    beforeAll(async () => {
      target = await open();
      admin = new Database(target.url);
      await admin.connect();
      const knex = admin.knex!;
      for (const name of ['log_2024_01', 'log_2024_02', 'log_archive']) await makeLog(knex, name, target.schema);
      await makeLog(knex, 'log_bare', target.schema, false);
      await makeLog(knex, 'other_things', target.schema);
      // One row per statement: Knex's multi-row SQLite insert sends NULL for a column a row leaves out.
      for (const row of [{ message: 'a' }, { message: 'b', level: 'error' }])
        await knex
          .withSchema(target.schema as string)
          .table('log_2024_01')
          .insert(row);
      if (target.other) await makeLog(knex, 'log_elsewhere', target.other);
    }, 30000);

    afterEach(async () => {
      for (const r of registries.splice(0)) await r.disconnect();
    });

    afterAll(async () => {
      await admin?.disconnect();
      await target?.drop();
    });

    it('a copied registry copies the pattern, and makes its models again when it connects', async () => {
      const registry = fresh();
      @Model({ registry, pattern: { include: /^log_2024_/ } })
      class Logs extends AutoReflectModel {
        @Field({ maxLength: 100 }) message!: string;
      }
      await registry.connect();
      expect(registry.getModel('Logslog_2024_01')).toBeDefined();
      const copy = registry.copy();
      registries.push(copy);
      expect(copy.patternModels.Logs).toBeDefined();
      expect(copy.patternModels.Logs).not.toBe(Logs);
      expect(copy.reflected.Logslog_2024_01).toBeUndefined();
      await copy.connect();
      const copied = copy.getModel('Logslog_2024_01');
      expect(copied).not.toBe(registry.getModel('Logslog_2024_01'));
      expect(await copied.query.count()).toBe(2);
    });

    it('turns every matching table into a reflected model, skipping excluded tables and tables lacking a declared field', async () => {
      const registry = fresh();
      @Model({ registry, pattern: { include: /^log_/, exclude: /archive/ } })
      class Logs extends AutoReflectModel {
        @Field({ maxLength: 100 }) message!: string;
      }
      expect(registry.patternModels.Logs).toBe(Logs);
      expect(registry.models.Logs).toBeUndefined();
      expect(registry.reflected.Logs).toBeUndefined();
      expect(() => registry.getModel('Logs')).toThrow(LookupError);
      expect(registry.getModel('Logs', { includePattern: true })).toBe(Logs);
      await registry.connect();
      expect(Object.keys(registry.reflected).sort()).toEqual(['Logslog_2024_01', 'Logslog_2024_02']);
      const Jan = registry.getModel('Logslog_2024_01');
      expect(Jan.prototype).toBeInstanceOf(Logs);
      expect(Jan.meta).toMatchObject({ tablename: 'log_2024_01', database: 'default', reflect: true });
      expect([...Jan.meta.fields.keys()]).toEqual(['id', 'message', 'level']);
      expect(await Jan.query.count()).toBe(2);
      expect(await Jan.query.filter({ level: 'error' }).count()).toBe(1);
      const Feb = registry.getModel('Logslog_2024_02');
      const row = await Feb.query.create({ message: 'hello' } as never);
      expect(((await Feb.query.get({ id: row.pk } as never)) as unknown as { level: string }).level).toBe('info');
      await Feb.query.delete();
      expect(registry.metadata.tables.size).toBe(0);
    });

    it('names models with the template', async () => {
      const registry = fresh();
      @Model({ registry, pattern: { include: /^log_\d{4}_\d{2}$/, template: (t) => `Log${t.slice(4).replace('_', '')}` } })
      class Logs extends AutoReflectModel {}
      void Logs;
      await registry.connect();
      expect(Object.keys(registry.reflected).sort()).toEqual(['Log202401', 'Log202402']);
      expect(await registry.getModel('Log202401').query.count()).toBe(2);
    });

    it('throws ModelDefinitionError naming both models when a generated name clashes', async () => {
      const registry = fresh();
      @Model({ registry, tablename: uniqueName('clash') })
      class Taken extends BaseModel {}
      @Model({ registry, pattern: { include: /^log_2024/, template: (t) => (t === 'log_2024_02' ? 'Taken' : `X${t}`) } })
      class Logs extends AutoReflectModel {}
      void Taken;
      void Logs;
      const error = await rejection(() => registry.connect());
      expect(error).toBeInstanceOf(ModelDefinitionError);
      expect(error.message).toContain('Pattern model Logs');
      expect(error.message).toContain('Taken');
      expect(error.message).toContain('log_2024_02');
    });

    it('reflects each table once per alias, however often it connects', async () => {
      const registry = fresh();
      @Model({ registry, pattern: { include: /^log_2024/ } })
      class Logs extends AutoReflectModel {}
      void Logs;
      await registry.connect();
      const first = { ...registry.reflected };
      await registry.disconnect();
      await registry.connect();
      expect(registry.reflected).toEqual(first);
      expect(await registry.reflectPatternModels()).toEqual([]);
      expect(await registry.getModel('Logslog_2024_01').query.count()).toBe(2);
      // A table that appears later is picked up on demand; the earlier ones are not made twice.
      const late = uniqueName('log_2024_late');
      await makeLog(admin.knex!, late, target.schema);
      const made = await registry.reflectPatternModels({ databaseName: 'default' });
      expect(made.map((m) => m.meta.name)).toEqual([`Logs${late}`]);
      expect(await made[0].query.count()).toBe(0);
      await (target.schema ? admin.knex!.schema.withSchema(target.schema) : admin.knex!.schema).dropTable(late);
    });

    it('reflects tables of an extra alias', async () => {
      const registry = new Registry('sqlite::memory:', { extra: { logs: target.url }, schema: target.schema });
      registries.push(registry);
      @Model({ registry, pattern: { include: /^log_2024/, databases: ['logs'] } })
      class Logs extends AutoReflectModel {}
      void Logs;
      await registry.connect();
      const Jan = registry.getModel('Logslog_2024_01') as ModelClass;
      expect(Jan.meta.database).toBe('logs');
      expect(await Jan.query.count()).toBe(2);
      expect(registry.metadataByName.get('logs')!.tables.size).toBe(0);
      expect(await registry.reflectPatternModels({ database: registry.extra.logs })).toEqual([]);
      expect(await registry.reflectPatternModels({ databaseName: 'default' })).toEqual([]);
    });

    it('refuses a pattern without a RegExp or naming an unknown alias', () => {
      const registry = fresh();
      expect(() => {
        @Model({ registry, pattern: { include: 'log_' as never } })
        class Bad extends AutoReflectModel {}
        void Bad;
      }).toThrow(/include: a RegExp/);
      expect(() => {
        @Model({ registry, pattern: { include: /^log_/, databases: ['nowhere'] } })
        class Lost extends AutoReflectModel {}
        void Lost;
      }).toThrow(/"nowhere" is not an alias/);
    });

    if (label === 'PostgreSQL') {
      it('scans every schema in schemes and queries each table in its schema', async () => {
        const registry = fresh();
        @Model({ registry, pattern: { include: /^log_(2024_01|elsewhere)$/, schemes: [null, target.other!] } })
        class Logs extends AutoReflectModel {}
        void Logs;
        await registry.connect();
        expect(Object.keys(registry.reflected).sort()).toEqual(['Logslog_2024_01', 'Logslog_elsewhere']);
        const Elsewhere = registry.getModel('Logslog_elsewhere');
        expect(Elsewhere.meta.schema).toBe(target.other);
        await Elsewhere.query.create({ message: 'there' } as never);
        expect(await Elsewhere.query.count()).toBe(1);
        expect(await admin.knex!.withSchema(target.other!).table('log_elsewhere').count({ n: '*' })).toEqual([{ n: '1' }]);
      });
    }
  });
}

patternSuite('SQLite', async () => {
  const file = path.join(os.tmpdir(), `${uniqueName('pattern')}.db`);
  return { url: `sqlite:///${file}`, drop: () => fs.rm(file, { force: true }) };
});

describeWithServer('pattern models (server)', PG_URL, () => {
  patternSuite('PostgreSQL', async () => {
    const schema = uniqueName('pattern');
    const other = uniqueName('pattern_other');
    const db = new Database(PG_URL);
    await db.connect();
    await db.knex!.raw(`create schema "${schema}"; create schema "${other}"`);
    await db.disconnect();
    return {
      url: PG_URL,
      schema,
      other,
      drop: async () => {
        const d = new Database(PG_URL);
        await d.connect();
        await d.knex!.raw(`drop schema if exists "${schema}" cascade; drop schema if exists "${other}" cascade`);
        await d.disconnect();
      },
    };
  });
});

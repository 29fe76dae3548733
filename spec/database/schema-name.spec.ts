import { BaseModel, ConfigurationError, Database, Field, Model, ModelDefinitionError, QueryError, Registry } from '../../lib';
import { SCHEMA_NAME_MAX_BYTES, schemaNameProblem } from '../../lib/database/schema-name';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/** 63 bytes is the most PostgreSQL keeps; one more would be truncated onto the 63-byte name. */
const LONGEST = `tenant_${'a'.repeat(SCHEMA_NAME_MAX_BYTES - 'tenant_'.length)}`;
const TOO_LONG = `${LONGEST}_evil`;

describe('the schema name rule', () => {
  it('accepts plain identifiers up to 63 bytes and explains every refusal', () => {
    expect(LONGEST).toHaveLength(63);
    expect(schemaNameProblem(LONGEST)).toBeUndefined();
    expect(schemaNameProblem('tenant_acme')).toBeUndefined();
    expect(schemaNameProblem(TOO_LONG)).toMatch(/68 bytes long, over the limit of 63/);
    expect(schemaNameProblem('tenant-acme')).toMatch(/not a plain identifier/);
    expect(schemaNameProblem('ténant')).toMatch(/not a plain identifier/);
    expect(schemaNameProblem('1tenant')).toMatch(/not a plain identifier/);
    expect(schemaNameProblem('a"; drop schema public cascade; --')).toMatch(/not a plain identifier/);
    expect(schemaNameProblem('')).toMatch(/not a plain identifier/);
    expect(schemaNameProblem(42)).toMatch(/must be a string/);
  });

  it('is applied to the registry option, the URL, @Model and usingSchema alike', () => {
    expect(() => new Registry('sqlite::memory:', { schema: TOO_LONG })).toThrow(ConfigurationError);
    expect(() => new Database(`postgres://u@localhost/db?schema=${TOO_LONG}`)).toThrow(ConfigurationError);
    expect(() => new Database(`postgres://u@localhost/db?schema=${TOO_LONG}`)).toThrow(/over the limit of 63/);
    const registry = new Registry('sqlite::memory:');
    expect(() => {
      @Model({ registry, schema: TOO_LONG } as never)
      class Evil extends BaseModel {
        @Field() name!: string;
      }
      return Evil;
    }).toThrow(ModelDefinitionError);
    expect(() => {
      @Model({ registry, schema: TOO_LONG } as never)
      class Evil2 extends BaseModel {
        @Field() name!: string;
      }
      return Evil2;
    }).toThrow(/over the limit of 63/);
    @Model({ registry })
    class Plain extends BaseModel {
      @Field() name!: string;
    }
    expect(() => Plain.query.usingSchema(TOO_LONG)).toThrow(QueryError);
    expect(() => Plain.query.usingSchema(TOO_LONG)).toThrow(/over the limit of 63/);
    expect(() => Plain.query.usingSchema(LONGEST)).not.toThrow();
  });
});

describeWithServer('schema names on PostgreSQL', PG_URL, () => {
  const registry = new Registry(PG_URL);
  const prefix = uniqueName('sn');

  @Model({ registry, tablePrefix: prefix })
  class Account extends BaseModel {
    @Field() name!: string;
  }

  afterAll(async () => {
    await registry.schema.dropSchema(LONGEST, { cascade: true, ifExists: true });
    await registry.disconnect();
  });

  it('never reaches a truncated schema: a 68-byte name is refused before any SQL is sent', async () => {
    await registry.schema.createSchema(LONGEST, { ifNotExists: true, initModels: true });
    await Account.query.usingSchema(LONGEST).create({ name: 'acme' });
    const sent: string[] = [];
    registry.database.knex.on('query', (q: { sql: string }) => sent.push(q.sql));
    await expect(registry.schema.createSchema(TOO_LONG)).rejects.toThrow(QueryError);
    expect(() => Account.query.usingSchema(TOO_LONG)).toThrow(QueryError);
    expect(sent).toEqual([]);
    expect(await Account.query.usingSchema(LONGEST).count()).toBe(1);
  });
});

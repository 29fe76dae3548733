import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseModel, Database, Field, logger, Model, ReflectModel, Registry } from '../../lib';
import { uniqueName } from '../support/servers';
import { Client, csrfOf, serve } from './support';

describe('admin over a reflected table without a single key', () => {
  const file = join(tmpdir(), `${uniqueName('keelson_admin')}.db`);
  const url = `sqlite://${file}`;
  const table = uniqueName('links');
  const registry = new Registry(url);
  let site: Awaited<ReturnType<typeof serve>>;
  let client: Client;

  @Model({ registry, reflect: true, tablename: table })
  class Link extends ReflectModel {}

  /** A plain model beside it, whose add form gives the page's CSRF token. */
  @Model({ registry, tablename: uniqueName('memos') })
  class Memo extends BaseModel {
    @Field({ maxLength: 20 }) name!: string;
  }

  beforeAll(async () => {
    const setup = new Database(url);
    await setup.connect();
    await setup.knex!.schema.createTable(table, (t) => {
      t.integer('a').notNullable();
      t.integer('b').notNullable();
      t.string('note', 40);
      t.primary(['a', 'b']);
    });
    await setup.knex!(table).insert([{ a: 1, b: 2, note: 'first link' }]);
    await setup.disconnect();
    // Reflection warns that a composite key is addressed by every column; expected here.
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await registry.connect();
    await registry.createAll();
    site = await serve(registry, { insecureNoAuth: true });
    client = new Client(site.base);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await site?.close();
    await registry.disconnect();
    rmSync(file, { force: true });
  });

  it('lists its rows but offers no add, edit or delete, and refuses those routes', async () => {
    expect(Link.meta.compositeKey).toEqual(['a', 'b']);
    const list = await client.get('/Link/');
    expect(list.status).toBe(200);
    expect(list.text).toContain('first link');
    expect(list.text).not.toContain('/Link/add');
    expect(list.text).not.toContain('href="/Link/1/"');
    expect((await client.get('/Link/1/')).status).toBe(404);
    expect((await client.get('/Link/1/delete')).status).toBe(404);
    const csrf = csrfOf((await client.get('/Memo/add')).text);
    expect((await client.post('/Link/add', { a: '5', b: '6', note: 'x', csrf })).status).toBe(404);
    expect(await Link.query.count()).toBe(1);
    expect((await client.post('/Memo/add', { name: 'noted', csrf })).status).toBe(303);
    expect(await Memo.query.count()).toBe(1);
  });
});

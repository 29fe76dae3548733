import { describeWithServer, PG_URL } from '../support/servers';
import { csrfOf, signedInAdmin } from './support';

const PASSWORD = 'correct horse battery staple';

/** The admin's pages and writes, on one database. */
function adminSuite(url: string): void {
  const admin = signedInAdmin(url, 'adm', PASSWORD);
  const { Author, Tag, Post, Comment } = admin.models;
  const { events } = admin;

  it('lists models grouped by alias with row counts, without through models', async () => {
    await Tag.query.create({ name: 'first' });
    const page = await admin.client.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Database default');
    expect(page.text).toMatch(/>Tag<\/a>\s*<\/td>\s*<td>1<\/td>/);
    expect(page.text).not.toContain('PostTagsThrough');
  });

  it('renders a row titled with markup as text', async () => {
    const author = await Author.query.create({ name: 'Ann', apiKey: 'sk-very-secret-42' });
    await Post.query.create({ title: '<script>alert(1)</script>', author });
    const page = await admin.client.get('/Post/');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never shows a secret field, in the table or the form, and keeps it when the input is left empty', async () => {
    const author = await Author.query.get({ name: 'Ann' });
    const list = await admin.client.get('/Author/');
    const form = await admin.client.get(`/Author/${author.pk}/`);
    expect(list.text).toContain('Ann');
    expect(list.text + form.text).not.toContain('sk-very-secret-42');
    expect(form.text).toContain('type="password"');
    const saved = await admin.client.submit(`/Author/${author.pk}/`, { name: 'Ann B', apiKey: '', role: 'admin', active: 'on' });
    expect(saved.status).toBe(303);
    const reloaded = await Author.query.get({ pk: author.pk });
    expect([reloaded.name, reloaded.apiKey, reloaded.role]).toEqual(['Ann B', 'sk-very-secret-42', 'admin']);
  });

  it('shows a validation error beside its field and writes nothing, then creates the row once fixed', async () => {
    const author = await Author.query.get({ name: 'Ann B' });
    const before = await Post.query.count();
    const bad = await admin.client.submit('/Post/add', { title: 'ab', author: String(author.pk), extra: '{"ok": true}' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="id_title"[^>]*value="ab"[^>]*>\s*<p class="error" id="err-title">title must be at least 3 characters<\/p>/);
    expect(await Post.query.count()).toBe(before);
    const badJson = await admin.client.submit('/Post/add', { title: 'Fine title', author: String(author.pk), extra: '{oops' });
    expect(badJson.status).toBe(400);
    expect(badJson.text).toContain('Enter valid JSON');
    expect(await Post.query.count()).toBe(before);
    const good = await admin.client.submit('/Post/add', { title: 'Fine title', author: String(author.pk), extra: '{"ok": true}', published: 'on' });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/Post/');
    const created = await Post.query.get({ title: 'Fine title' });
    expect([created.published, created.extra, created.body]).toEqual([true, { ok: true }, null]);
  });

  it('edits a many-to-many field through the multi-select', async () => {
    const [a, b] = [await Tag.query.create({ name: 'alpha' }), await Tag.query.create({ name: 'beta' })];
    const post = await Post.query.get({ title: 'Fine title' });
    const author = String((post as any).author_id);
    expect((await admin.client.submit(`/Post/${post.pk}/`, { title: 'Fine title', author, published: 'on', tags: [String(a.pk), String(b.pk)] })).status).toBe(
      303,
    );
    expect((await post.tags.all()).map((t) => t.name).sort()).toEqual(['alpha', 'beta']);
    const form = await admin.client.get(`/Post/${post.pk}/`);
    expect(form.text).toMatch(new RegExp(`<option value="${b.pk}"\\s+selected>beta`));
    expect((await admin.client.submit(`/Post/${post.pk}/`, { title: 'Fine title', author, published: 'on', tags: [String(b.pk)] })).status).toBe(303);
    expect((await post.tags.all()).map((t) => t.name)).toEqual(['beta']);
    expect((await Post.query.get({ pk: post.pk })).published).toBe(true);
  });

  it('round-trips dates and datetimes (in UTC) through their inputs', async () => {
    const author = await Author.query.create({ name: 'Dated' });
    const fields = { name: 'Dated', role: 'editor', active: 'on', born: '1990-04-05', lastSeen: '2024-02-03T04:05:06' };
    expect((await admin.client.submit(`/Author/${author.pk}/`, fields)).status).toBe(303);
    const saved = await Author.query.get({ pk: author.pk });
    expect(saved.lastSeen?.toISOString()).toBe('2024-02-03T04:05:06.000Z');
    const form = await admin.client.get(`/Author/${author.pk}/`);
    expect(form.text).toContain('id="id_born" name="born" type="date" value="1990-04-05"');
    expect(form.text).toContain('type="datetime-local" step="1" value="2024-02-03T04:05:06"');
    const bad = await admin.client.submit(`/Author/${author.pk}/`, { ...fields, born: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a date as YYYY-MM-DD.');
  });

  it('offers related rows in the foreign key select, labelled and escaped, and reports a duplicate beside its field', async () => {
    await Author.query.create({ name: '<b>Bold</b>' });
    const form = await admin.client.get('/Post/add');
    expect(form.text).toMatch(/<select id="id_author" name="author"\s*>[^]*&lt;b&gt;Bold&lt;\/b&gt; \(\d+\)<\/option>[^]*<\/select>/);
    expect(form.text).toMatch(/<select id="id_tags" name="tags" multiple/);
    const before = await Tag.query.count();
    const duplicate = await admin.client.submit('/Tag/add', { name: 'first' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toMatch(/id="id_name"[^>]*value="first"[^>]*>\s*<p class="error"[^>]*>\s*Another row already has this value/);
    expect(await Tag.query.count()).toBe(before);
  });

  it('sorts, searches, filters and paginates the table', async () => {
    const sorted = await admin.client.get('/Post/?o=-title');
    expect(sorted.status).toBe(200);
    expect(sorted.text.indexOf('Fine title')).toBeLessThan(sorted.text.indexOf('&lt;script&gt;'));
    const author = await Author.query.get({ name: 'Ann B' });
    expect(sorted.text).toContain(`<a href="/Author/${author.pk}/">${author.pk}</a>`);
    const searched = await admin.client.get('/Post/?q=FINE');
    expect(searched.text).toContain('1 row<');
    const filtered = await admin.client.get('/Post/?f_published=false');
    expect(filtered.text).toContain('&lt;script&gt;');
    expect(filtered.text).not.toContain('Fine title');
    await Tag.query.bulkCreate([{ name: 'gamma' }, { name: 'delta' }]);
    const second = await admin.client.get('/Tag/?o=name&page=2');
    expect(second.text).toMatch(/<strong>2<\/strong>/);
    expect(second.text).toContain('delta');
    expect(second.text).not.toContain('alpha');
  });

  it('refuses unknown models, sort keys, filters and keys without sending a query', async () => {
    // The probe sees queries: a valid page sends some.
    const start = events.length;
    expect((await admin.client.get('/Post/?o=title')).status).toBe(200);
    expect(events.length).toBeGreaterThan(start);
    const before = events.length;
    expect((await admin.client.get('/Nope/')).status).toBe(404);
    expect((await admin.client.get('/constructor/')).status).toBe(404);
    expect((await admin.client.get('/Post/?o=secret_column')).status).toBe(400);
    expect((await admin.client.get('/Author/?o=apiKey')).status).toBe(400);
    expect((await admin.client.get('/Post/?f_title=x')).status).toBe(400);
    expect((await admin.client.get('/Post/?f_published=maybe')).status).toBe(400);
    expect((await admin.client.get('/Post/?page=0')).status).toBe(400);
    expect((await admin.client.get('/Post/1%20OR%201=1/')).status).toBe(404);
    expect(events.length).toBe(before);
  });

  it('lists what cascades on the confirmation page, and deletes on POST', async () => {
    const author = await Author.query.create({ name: 'Doomed' });
    const post = await Post.query.create({ title: 'Doomed post', author });
    await Comment.query.bulkCreate([
      { text: 'one', post },
      { text: 'two', post },
    ]);
    await post.tags.add(await Tag.query.get({ name: 'alpha' }));
    const confirm = await admin.client.get(`/Author/${author.pk}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('1 Post row (by Post.author)');
    expect(confirm.text).toContain('2 Comment rows (by Comment.post)');
    expect(confirm.text).toMatch(/1 PostTagsThrough row/);
    const done = await admin.client.post(`/Author/${author.pk}/delete`, { csrf: csrfOf(confirm.text) });
    expect(done.status).toBe(303);
    expect(await Author.query.filter({ pk: author.pk }).count()).toBe(0);
    expect(await Comment.query.filter({ post: post.pk }).count()).toBe(0);
  });

  it('takes keys in a text input instead of a select when the related table is large', async () => {
    await Tag.query.bulkCreate(Array.from({ length: 200 }, (_, i) => ({ name: `bulk-${i}` })));
    const post = await Post.query.get({ title: 'Fine title' });
    const form = await admin.client.get(`/Post/${post.pk}/`);
    expect(form.text).not.toMatch(/<select id="id_tags"/);
    expect(form.text).toMatch(/<input id="id_tags" name="tags" type="text"/);
    const keys = (await Tag.query.filter({ name__in: ['alpha', 'gamma'] }).valuesList('id', { flat: true })).map(String);
    const saved = await admin.client.submit(`/Post/${post.pk}/`, { title: 'Fine title', author: String((post as any).author_id), tags: keys.join(', ') });
    expect(saved.status).toBe(303);
    expect((await post.tags.all()).map((t) => t.name).sort()).toEqual(['alpha', 'gamma']);
    expect((await admin.client.submit(`/Post/${post.pk}/`, { title: 'Fine title', author: '1', tags: 'x, y' })).text).toContain(
      'Enter the keys of related rows.',
    );
  });

  it('refuses a POST without a valid CSRF token and writes nothing', async () => {
    const before = await Tag.query.count();
    expect((await admin.client.post('/Tag/add', { name: 'forged' })).status).toBe(403);
    expect((await admin.client.post('/Tag/add', { name: 'forged', csrf: 'not-the-token' })).status).toBe(403);
    expect(await Tag.query.count()).toBe(before);
    expect((await admin.client.submit('/Tag/add', { name: 'genuine' })).status).toBe(303);
    expect(await Tag.query.count()).toBe(before + 1);
  });
}

describe('admin on SQLite', () => adminSuite('sqlite::memory:'));
describeWithServer('admin on PostgreSQL', PG_URL, () => adminSuite(PG_URL));

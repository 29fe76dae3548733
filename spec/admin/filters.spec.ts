import { describeWithServer, PG_URL } from '../support/servers';
import { signedInAdmin } from './support';

const PASSWORD = 'correct horse battery staple';

/** Foreign-key and date-range filters of the table, and the searchable foreign-key picker of the form, on one database. */
function filterSuite(url: string): void {
  const admin = signedInAdmin(url, 'flt', PASSWORD);
  const { Author, Post } = admin.models;
  const { events } = admin;

  it('filters by a foreign key picked from a select of related rows', async () => {
    const ann = await Author.query.create({ name: 'Ann' });
    const bob = await Author.query.create({ name: 'Bob' });
    await Post.query.bulkCreate([
      { title: 'Ann one', author: ann },
      { title: 'Ann two', author: ann },
      { title: 'Bob one', author: bob },
    ]);
    const page = await admin.client.get(`/Post/?f_author=${bob.pk}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('1 row<');
    expect(page.text).toContain('Bob one');
    expect(page.text).not.toContain('Ann one');
    expect(page.text).toMatch(new RegExp(`<select id="f_author" name="f_author">[^]*<option value="${bob.pk}"\\s+selected>Bob \\(${bob.pk}\\)</option>`));
    expect((await admin.client.get(`/Post/?f_author=${ann.pk}`)).text).toContain('2 rows<');
  });

  it('refuses a foreign-key filter with a key that is not a number or names no row', async () => {
    const before = events.length;
    expect((await admin.client.get('/Post/?f_author=abc')).status).toBe(400);
    expect((await admin.client.get('/Post/?f_author__gte=1')).status).toBe(400);
    expect(events.length).toBe(before);
    const missing = await admin.client.get('/Post/?f_author=999999');
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('there is no Author with key 999999');
  });

  it('filters by a date and a datetime range, and refuses a bad bound', async () => {
    await Author.query.bulkCreate([
      { name: 'Old', born: '1950-01-01', lastSeen: new Date('2020-01-01T00:00:00Z') },
      { name: 'Mid', born: '1980-06-15', lastSeen: new Date('2022-06-01T12:00:00Z') },
      { name: 'New', born: '2000-12-31', lastSeen: new Date('2024-01-01T00:00:00Z') },
    ]);
    const born = await admin.client.get('/Author/?f_born__gte=1970-01-01&f_born__lte=1990-01-01');
    expect(born.status).toBe(200);
    expect(born.text).toContain('1 row<');
    expect(born.text).toContain('Mid');
    expect(born.text).toContain('id="f_born__gte" name="f_born__gte" type="date" value="1970-01-01"');
    const seen = await admin.client.get('/Author/?f_lastSeen__gte=2021-01-01T00:00:00');
    expect(seen.text).toContain('2 rows<');
    expect(seen.text).not.toContain('Old');
    expect(seen.text).toContain('type="datetime-local" step="1" value="2021-01-01T00:00:00"');
    const before = events.length;
    expect((await admin.client.get('/Author/?f_born__gte=not-a-date')).status).toBe(400);
    expect((await admin.client.get('/Author/?f_lastSeen__lte=yesterday')).status).toBe(400);
    expect((await admin.client.get('/Author/?f_born=1980-06-15')).status).toBe(400);
    expect((await admin.client.get('/Author/?f_born__in=1980-06-15')).status).toBe(400);
    expect(events.length).toBe(before);
  });

  it('keeps the active filters in sort and page links', async () => {
    const page = await admin.client.get('/Author/?f_born__gte=1900-01-01&f_active=true');
    expect(page.text).toContain('3 rows<');
    expect(page.text).toContain('href="?f_born__gte=1900-01-01&amp;f_active=true&amp;o=name"');
    expect(page.text).toContain('href="?f_born__gte=1900-01-01&amp;f_active=true&amp;page=2"');
    const sorted = await admin.client.get('/Author/?f_born__gte=1900-01-01&o=-name&page=2');
    expect(sorted.text).toContain('Mid');
    expect(sorted.text).toContain('href="?f_born__gte=1900-01-01&amp;o=name"');
  });

  it('offers a searchable datalist of related rows, escaped, when there are too many to list', async () => {
    await Author.query.bulkCreate(Array.from({ length: 201 }, (_, i) => ({ name: `Filler ${i}` })));
    await Author.query.create({ name: '<i>Needle</i> one' });
    await Author.query.create({ name: 'NEEDLE two' });
    const plain = await admin.client.get('/Post/add');
    expect(plain.text).toContain('id="id_author" name="author" type="text" list="dl_author"');
    expect(plain.text).toContain('<form id="find_author" method="get" action="/Post/add"></form>');
    const found = await admin.client.get('/Post/add?search_author=needle');
    expect(found.status).toBe(200);
    const list = /<datalist id="dl_author">([^]*?)<\/datalist>/.exec(found.text)?.[1] ?? '';
    expect(list).toContain('&lt;i&gt;Needle&lt;/i&gt; one');
    expect(list).toContain('NEEDLE two');
    expect(list).not.toContain('<i>');
    expect(list).not.toContain('Filler');
    expect(list.match(/<option/g)).toHaveLength(2);
    const many = await admin.client.get('/Post/add?search_author=filler');
    expect(/<datalist id="dl_author">([^]*?)<\/datalist>/.exec(many.text)?.[1].match(/<option/g)).toHaveLength(50);
    const filter = await admin.client.get('/Post/');
    expect(filter.text).toContain('<label for="f_author">author (key)</label><input id="f_author" name="f_author" type="text" value="" />');
  });

  it('refuses a search of a field that is no foreign key', async () => {
    const before = events.length;
    expect((await admin.client.get('/Post/add?search_title=x')).status).toBe(400);
    expect(events.length).toBe(before);
  });
}

describe('admin filters on SQLite', () => filterSuite('sqlite::memory:'));
describeWithServer('admin filters on PostgreSQL', PG_URL, () => filterSuite(PG_URL));

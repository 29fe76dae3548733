import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BaseModel, Field, ForeignKey, Model, Registry } from '../../lib';
import type { Manager, Relation } from '../../lib';
import { clickAndLoad, describeWithBrowser, launchChromium } from '../support/browser';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { declareModels, serve, type AuthorRow } from './support';

const PASSWORD = 'correct horse battery staple';
const MARKUP = '<script>alert(1)</script>';

/** The admin driven through headless Chromium, on one database. */
function browserSuite(url: string): void {
  const registry = new Registry(url);
  const prefix = uniqueName('brw');
  const { Author, Tag, Post, Comment } = declareModels(registry, prefix);

  // A key without onDelete refuses the delete (RESTRICT): the row it points at cannot go while it exists.
  @Model({ registry, tablePrefix: prefix })
  class Badge extends BaseModel {
    declare static query: Manager<Badge>;
    @Field({ maxLength: 40 }) label!: string;
    @ForeignKey(() => Author, { relatedName: 'badges' }) holder!: Relation<AuthorRow>;
  }
  let site: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  // Any alert/confirm a page opens: markup must never run, so every test expects none.
  let dialogs: string[];

  beforeAll(async () => {
    await registry.createAll();
    site = await serve(registry, { password: PASSWORD });
    browser = await launchChromium();
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await registry.dropAll();
    await registry.disconnect();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterEach(async () => {
    await context?.close();
    expect(dialogs).toEqual([]);
  });

  /** Signs in through the sign-in form, as a person would. */
  async function signIn(): Promise<void> {
    await page.goto(`${site.base}/`);
    await page.getByLabel('Password').fill(PASSWORD);
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }));
  }

  /** The texts of one column of the table, found by its header. */
  async function column(name: string): Promise<string[]> {
    const headers = await page.locator('thead th').allInnerTexts();
    const index = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === name);
    expect(index).toBeGreaterThanOrEqual(0);
    return page.locator(`tbody tr td:nth-child(${index + 1})`).allInnerTexts();
  }

  it('sends a visitor to sign in, and back to the model list with row counts once signed in', async () => {
    const author = await Author.query.create({ name: 'Counted' });
    await Post.query.bulkCreate([
      { title: 'Counted one', author },
      { title: 'Counted two', author },
    ]);
    await page.goto(`${site.base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Sign in');
    await page.getByLabel('Password').fill('wrong password');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }));
    expect(await page.getByRole('alert').innerText()).toBe('Wrong password.');
    await page.getByLabel('Password').fill(PASSWORD);
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }));
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Models');
    const counts: Record<string, string> = {};
    for (const row of await page.locator('tbody tr').all()) {
      const [model, rows] = await row.locator('td').allInnerTexts();
      counts[model] = rows;
    }
    expect(counts).toEqual({
      Author: String(await Author.query.count()),
      Badge: String(await Badge.query.count()),
      Comment: String(await Comment.query.count()),
      Post: String(await Post.query.count()),
      Tag: String(await Tag.query.count()),
    });
    expect(counts.Post).toBe('2');
  });

  it('opens the posts table, sorts it by clicking a header and searches it', async () => {
    const author = await Author.query.create({ name: 'Sorter' });
    await Post.query.bulkCreate(['Banana split', 'Apple pie', 'Cherry tart'].map((title) => ({ title, author })));
    await signIn();
    await clickAndLoad(page, page.getByRole('link', { name: 'Post', exact: true }));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Post');
    await clickAndLoad(page, page.getByRole('columnheader', { name: 'title' }).getByRole('link'));
    const mine = async () => (await column('title')).filter((title) => ['Banana split', 'Apple pie', 'Cherry tart'].includes(title));
    expect(await mine()).toEqual(['Apple pie', 'Banana split', 'Cherry tart']);
    await clickAndLoad(page, page.getByRole('columnheader', { name: 'title ▲' }).getByRole('link'));
    expect(await mine()).toEqual(['Cherry tart', 'Banana split', 'Apple pie']);
    await page.getByLabel('Search').fill('APPLE');
    await clickAndLoad(page, page.getByRole('button', { name: 'Apply' }));
    expect(await column('title')).toEqual(['Apple pie']);
    expect(await page.getByText('1 row', { exact: true }).count()).toBe(1);
    // The search keeps the chosen order in the URL.
    expect(new URL(page.url()).searchParams.get('o')).toBe('-title');
  });

  it('keeps typed values and shows the message beside the field on a validation error, then saves once fixed', async () => {
    const author = await Author.query.create({ name: 'Writer' });
    await signIn();
    await page.goto(`${site.base}/Post/`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Add Post' }));
    const before = await Post.query.count();
    await page.getByLabel('title').fill('ab');
    await page.getByLabel('body').fill('Typed before the error');
    await page.getByLabel('published').check();
    await page.getByLabel('author').selectOption(String(author.pk));
    await clickAndLoad(page, page.getByRole('button', { name: 'Save' }));
    const title = page.getByLabel('title');
    expect(await title.locator('xpath=following-sibling::p[1]').innerText()).toBe('title must be at least 3 characters');
    expect(await title.inputValue()).toBe('ab');
    expect(await page.getByLabel('body').inputValue()).toBe('Typed before the error');
    expect(await page.getByLabel('published').isChecked()).toBe(true);
    expect(await page.getByLabel('author').inputValue()).toBe(String(author.pk));
    expect(await Post.query.count()).toBe(before);
    await title.fill('A post from the browser');
    await clickAndLoad(page, page.getByRole('button', { name: 'Save' }));
    expect(new URL(page.url()).pathname).toBe('/Post/');
    expect(await column('title')).toContain('A post from the browser');
    const saved = await Post.query.get({ title: 'A post from the browser' });
    expect([saved.body, saved.published, (saved as any).author_id]).toEqual(['Typed before the error', true, author.pk]);
  });

  it('selects tags in the multi-select, saves them, and shows them selected when the form is reopened', async () => {
    const author = await Author.query.create({ name: 'Tagger' });
    const post = await Post.query.create({ title: 'Tagged in the browser', author });
    const [red, green] = [await Tag.query.create({ name: 'red' }), await Tag.query.create({ name: 'green' })];
    await Tag.query.create({ name: 'blue' });
    await signIn();
    await page.goto(`${site.base}/Post/?q=Tagged`);
    await clickAndLoad(page, page.getByRole('link', { name: String(post.pk), exact: true }));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Edit Tagged in the browser (${post.pk})`);
    await page.getByLabel('tags', { exact: true }).selectOption([String(red.pk), String(green.pk)]);
    await clickAndLoad(page, page.getByRole('button', { name: 'Save' }));
    expect(new URL(page.url()).pathname).toBe('/Post/');
    expect((await post.tags.all()).map((t) => t.name).sort()).toEqual(['green', 'red']);
    await page.goto(`${site.base}/Post/${post.pk}/`);
    const selected = page.getByLabel('tags', { exact: true }).locator('option:checked');
    expect((await selected.allInnerTexts()).sort()).toEqual([`green (${green.pk})`, `red (${red.pk})`]);
    // Saving again without touching the select keeps the tags.
    await clickAndLoad(page, page.getByRole('button', { name: 'Save' }));
    expect((await post.tags.all()).map((t) => t.name).sort()).toEqual(['green', 'red']);
  });

  it('lists what cascades before deleting a user, and deletes the rows once confirmed', async () => {
    const author = await Author.query.create({ name: 'Leaving' });
    const [first, second] = [await Post.query.create({ title: 'Last words', author }), await Post.query.create({ title: 'Very last words', author })];
    await Comment.query.create({ text: 'Goodbye', post: first });
    const keeper = await Author.query.create({ name: 'Staying' });
    const kept = await Post.query.create({ title: 'Still here', author: keeper });
    await signIn();
    await page.goto(`${site.base}/Author/${author.pk}/`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Delete' }));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Delete Leaving (${author.pk})?`);
    expect(await page.getByRole('listitem').allInnerTexts()).toEqual(['2 Post rows (by Post.author)', '1 Comment row (by Comment.post)']);
    expect(await Author.query.filter({ pk: author.pk }).count()).toBe(1);
    await clickAndLoad(page, page.getByRole('button', { name: 'Yes, delete' }));
    expect(new URL(page.url()).pathname).toBe('/Author/');
    expect(await Author.query.filter({ pk: author.pk }).count()).toBe(0);
    expect(await Post.query.filter({ pk__in: [first.pk, second.pk] }).count()).toBe(0);
    expect(await Comment.query.filter({ post: first.pk }).count()).toBe(0);
    expect(await Post.query.filter({ pk: kept.pk }).count()).toBe(1);
    expect(await column('name')).toContain('Staying');
    expect(await column('name')).not.toContain('Leaving');
  });

  it('offers no delete while a restricting key refers to the row, and refuses one that became blocked meanwhile', async () => {
    const held = await Author.query.create({ name: 'Decorated' });
    await Badge.query.create({ label: 'Gold', holder: held });
    await signIn();
    await page.goto(`${site.base}/Author/${held.pk}/delete`);
    expect(await page.getByRole('listitem').allInnerTexts()).toEqual(['1 Badge row (by Badge.holder)']);
    expect(await page.getByRole('button', { name: 'Yes, delete' }).count()).toBe(0);
    const later = await Author.query.create({ name: 'Decorated later' });
    await page.goto(`${site.base}/Author/${later.pk}/delete`);
    await Badge.query.create({ label: 'Silver', holder: later });
    await clickAndLoad(page, page.getByRole('button', { name: 'Yes, delete' }));
    expect(await page.locator('main').innerText()).toContain('Other rows still refer to this Author');
    expect(await Author.query.filter({ pk__in: [held.pk, later.pk] }).count()).toBe(2);
  });

  it('shows a title made of markup as text, in the table and the form, and never runs it', async () => {
    const author = await Author.query.create({ name: MARKUP });
    const post = await Post.query.create({ title: MARKUP, author });
    await signIn();
    // A <script> element (whatever its content) would mean the markup reached the DOM as markup.
    const injected = async () => (await page.locator('script', { hasText: 'alert(1)' }).count()) > 0;
    await page.goto(`${site.base}/Post/`);
    expect(await page.locator('body').innerText()).toContain(MARKUP);
    expect(await column('title')).toContain(MARKUP);
    expect(await injected()).toBe(false);
    await page.goto(`${site.base}/Post/${post.pk}/`);
    expect(await page.getByLabel('title').inputValue()).toBe(MARKUP);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Edit ${MARKUP} (${post.pk})`);
    expect(await page.getByLabel('author').locator('option:checked').innerText()).toBe(`${MARKUP} (${author.pk})`);
    expect(await injected()).toBe(false);
    expect(await page.locator('script').count()).toBe(0);
  });
}

describeWithBrowser('admin in Chromium', () => {
  describe('on SQLite', () => browserSuite('sqlite::memory:'));
  describeWithServer('on PostgreSQL', PG_URL, () => browserSuite(PG_URL));
});

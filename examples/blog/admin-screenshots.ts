import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { createAdminHandler } from '../../lib/admin';
import { DB_PATH, Post, registry, User } from './models';

// Screenshots of the web admin over the blog example's database, for the README:
//   npm run example   (once, to create examples/blog/blog.db)
//   npx ts-node --transpile-only examples/blog/admin-screenshots.ts
// Nothing is written to the database: the delete page is only opened, and the form that is
// submitted is refused by validation before any write.

const OUT_DIR = path.resolve(__dirname, 'screenshots');
const CHROMIUM = [process.env.KEELSON_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && fs.existsSync(p));

/** Clicks something that loads a new page, and waits for that page. */
async function clickAndLoad(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), target.click()]);
  await page.waitForLoadState('load');
}

async function main(): Promise<void> {
  // Checked before the first query: connecting would create an empty file in its place.
  if (!fs.existsSync(DB_PATH)) throw new Error(`${path.relative(process.cwd(), DB_PATH)} does not exist: run \`npm run example\` first.`);
  if (!CHROMIUM) throw new Error('No Chromium binary: install the Debian package chromium (apt-get install chromium) or set KEELSON_CHROMIUM.');
  const [user] = await User.query.orderBy('id').limit(1);
  const [post] = await Post.query.orderBy('id').limit(1);
  if (!user || !post) throw new Error('The example database has no users or posts: run `npm run example` again.');

  // A throwaway password: this admin lives only as long as the script.
  const password = randomBytes(12).toString('base64url');
  const server = createServer(createAdminHandler(registry, { password }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const shoot = async (name: string) => {
      await page.screenshot({ path: path.join(OUT_DIR, `${name}.png`) });
      console.log(`wrote ${path.relative(process.cwd(), path.join(OUT_DIR, `${name}.png`))}`);
    };

    await page.goto(`${base}/`);
    await page.getByLabel('Password').fill(password);
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign in' }));
    await shoot('models');

    await clickAndLoad(page, page.getByRole('link', { name: 'Post', exact: true }));
    await shoot('posts');

    // Clearing the required author makes the save fail validation, so nothing is written.
    await page.goto(`${base}/Post/${post.pk}/`);
    await page.getByLabel('author').selectOption('');
    await clickAndLoad(page, page.getByRole('button', { name: 'Save' }));
    if ((await page.locator('.error').count()) === 0) throw new Error('The post form did not show a validation error.');
    await shoot('edit-error');

    await page.goto(`${base}/User/${user.pk}/delete`);
    await shoot('delete');
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    await registry.disconnect();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});

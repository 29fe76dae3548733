import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Where Chromium may be: `KEELSON_CHROMIUM` first, then Debian's and other distributions' paths. */
const CANDIDATES = [process.env.KEELSON_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary to drive, or undefined when this machine has none (no browser is ever downloaded). */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path));
}

/** Starts headless Chromium; `--no-sandbox` because the tests may run as root, where the sandbox refuses to start. */
export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('No Chromium binary: install the Debian package chromium or set KEELSON_CHROMIUM.');
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** Clicks something that loads a new page and waits until that page is parsed (a POST, its 303 and the GET count as one). */
export async function clickAndLoad(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()), target.click()]);
  await page.waitForLoadState('domcontentloaded');
}

/**
 * `describe` for a suite that drives Chromium. Without a binary a local run says so loudly and skips it;
 * under `KEELSON_REQUIRE_SERVERS=1` (CI) the suite fails instead, so a missing browser never passes silently.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (chromiumPath()) {
    describe(name, body);
    return;
  }
  const tried = CANDIDATES.filter(Boolean).join(', ');
  if (process.env.KEELSON_REQUIRE_SERVERS === '1') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`No Chromium binary at ${tried}: install the Debian package chromium (apt-get install chromium) or set KEELSON_CHROMIUM.`);
      });
    });
    return;
  }
  console.warn(`*** SKIPPING "${name}": no Chromium binary at ${tried}; install the Debian package chromium or set KEELSON_CHROMIUM. ***`);
  const skipped = describe.skip;
  skipped(name, body);
}

/**
 * Browser tests: the real server (in process, real database) listening on a port, driven by playwright-core
 * in Debian's Chromium (never a downloaded browser). Every page can be scanned with axe-core, and screenshots
 * go to test-artifacts/screenshots/. CSP violations and page errors fail the test that caused them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../helpers.ts';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let built = false;
/** web/dist, built once per test process (a no-op when up to date). */
export function ensureConsoleBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs'), '--quiet'], { stdio: 'inherit' });
  built = true;
}

export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(p)) return p;
  throw new Error('Chromium not found: install Debian’s chromium (apt-get install chromium); .ci/run does');
}

export interface ConsoleEnv {
  h: Harness;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (cookies, storage) with the page errors collected. */
  newPage(opts?: { locale?: string }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function startConsole(): Promise<ConsoleEnv> {
  ensureConsoleBuilt();
  const h = await startHarness({ publicUrl: undefined });
  const address = await h.vigie.fastify.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const contexts: BrowserContext[] = [];
  return {
    h,
    baseUrl: address,
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ baseURL: address, locale: opts.locale ?? 'en-GB', viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      return { context, page, problems };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await h.close();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; html: string }>;
}

/** axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is: the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  // evaluate runs through the debugging protocol: the page's CSP (no inline scripts) does not apply.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The harness's members all have this password (test/helpers.ts). */
export const MEMBER_PASSWORD = 'correct horse battery staple';

/** Signs in through the login page (the session cookie lands in the page's context). */
export async function signIn(page: Page, email: string, password = MEMBER_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-password').press('Enter');
  await page.waitForURL('**/console');
}

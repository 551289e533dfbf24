// The journey harness: launches the system Chromium through playwright-core,
// gives each journey a context `t` whose `t.check(page, label)` runs axe-core,
// takes phone and desktop screenshots and re-loads the page with the real
// Content-Security-Policy enforced, and makes sure no page a journey visits
// goes unchecked.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const WIDTHS = [
  { name: 'phone', width: 360, height: 800 },
  { name: 'desktop', width: 1280, height: 900 },
];
const DESKTOP = WIDTHS[1];
const ACTION_TIMEOUT_MS = 10_000;

/** A failure that does not stop the journey (axe, CSP, unchecked pages). */
class Findings {
  constructor() {
    this.failures = [];
    this.notes = [];
  }
  fail(message) {
    this.failures.push(message);
  }
  note(message) {
    if (!this.notes.includes(message)) this.notes.push(message);
  }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install the Debian package ` +
        '(`apt-get update && apt-get install -y chromium`) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

const slug = (text) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/** An error's message (without Playwright's browser log) and where in a journey it was thrown. */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const message = error.message
    .split(/\n\s*Browser logs:/)[0]
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trim();
  const where = (error.stack ?? '').split('\n').find((line) => /\/journeys\/[^/]+\.mjs:\d+/.test(line));
  return where ? `${message}\n${where.trim()}` : message;
}

const withoutHash = (url) => url.split('#')[0];

const twoFrames = (page) =>
  page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );

/**
 * Content that spills sideways: the page wider than the viewport, or a
 * bordered box (a card, a table's frame) whose content runs past its edge.
 * Reported as notes, not failures: they are for a person to look at.
 */
const overflow = (page) =>
  page.evaluate(() => {
    const found = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1) {
      found.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
    }
    const name = (e) =>
      `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${[...e.classList].map((c) => '.' + c).join('')}`;
    const boxes = [];
    for (const e of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(e);
      const bordered = parseFloat(style.borderLeftWidth) > 0 && parseFloat(style.borderRightWidth) > 0;
      if (!bordered || style.overflowX !== 'visible' || style.display.startsWith('inline') || e.clientWidth === 0) continue;
      if (e.scrollWidth > e.clientWidth + 1) boxes.push(e);
    }
    for (const e of boxes) {
      if (boxes.some((inner) => inner !== e && e.contains(inner))) continue; // report the innermost
      const heading = e.querySelector('h1, h2, h3, legend, caption')?.textContent.trim();
      found.push(
        `${name(e)}${heading ? ` "${heading.slice(0, 50)}"` : ''}: content ${e.scrollWidth} px wide in a ${e.clientWidth} px box`,
      );
    }
    return found;
  });

export class Harness {
  constructor({ browser, server, screenshotDir, log = console.log }) {
    this.browser = browser;
    this.server = server;
    this.screenshotDir = screenshotDir;
    this.log = log;
    this.axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    this.results = [];
  }

  /**
   * Runs one journey; never throws. Returns true when it passed. `server`
   * (default: the harness's) is the tandem server the journey talks to.
   */
  async run(journey, index, { server = this.server } = {}) {
    const started = Date.now();
    const dir = join(this.screenshotDir, `${String(index + 1).padStart(2, '0')}-${slug(journey.name)}`);
    mkdirSync(dir, { recursive: true });
    const findings = new Findings();
    const t = new JourneyContext(this, findings, dir, server);
    this.log(`\n# ${journey.name}`);
    let error = null;
    try {
      await journey.run(t);
    } catch (e) {
      error = e;
    }
    try {
      // A journey that threw stopped before checking its last page: no need to say so.
      await t.close({ reportUnchecked: !error });
    } catch (e) {
      findings.fail(`closing the journey's pages: ${e.message}`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    for (const n of findings.notes) this.log(`  note: ${n}`);
    for (const f of findings.failures) this.log(`  FAIL: ${f}`);
    if (error) this.log(`  FAIL: ${describeError(error)}`.replace(/\n/g, '\n    '));
    const passed = !error && findings.failures.length === 0;
    this.log(`${passed ? 'ok' : 'not ok'} - ${journey.name} (${t.checks} pages checked, ${seconds} s)`);
    this.results.push({ name: journey.name, passed });
    return passed;
  }
}

class JourneyContext {
  constructor(harness, findings, screenshotDir, server) {
    this.harness = harness;
    this.findings = findings;
    this.baseUrl = server.baseUrl;
    this.server = server;
    this.screenshotDir = screenshotDir;
    this.contexts = [];
    this.pages = new Map(); // page -> tracking state
    this.checks = 0;
  }

  /** An absolute URL for a path on the server. */
  url(path) {
    return new URL(path, this.baseUrl).href;
  }

  /** Prints a line under the journey. */
  step(message) {
    this.harness.log(`  - ${message}`);
  }

  /**
   * A page in a browser context of its own (its own cookies, so later one
   * context per signed-in user), at desktop size. bypassCSP lets axe-core be
   * injected; t.check() separately re-loads each page with the CSP enforced.
   * `storageState` (from `page.context().storageState()`) starts it with
   * another context's cookies, e.g. to replay a session after sign-out.
   */
  async newPage({ storageState } = {}) {
    const context = await this.harness.browser.newContext({
      storageState,
      bypassCSP: true,
      viewport: { width: DESKTOP.width, height: DESKTOP.height },
      baseURL: this.baseUrl,
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    this.contexts.push(context);
    const page = await context.newPage();
    const state = { status: null, method: null, unchecked: [] };
    this.pages.set(page, state);
    page.on('response', (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        state.status = response.status();
        state.method = request.method();
      } else if (response.status() >= 400) {
        this.subresourceError(response);
      }
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url() !== 'about:blank') {
        state.unchecked.push(frame.url());
      }
    });
    page.on('pageerror', (error) => this.findings.fail(`script error on ${page.url()}: ${error.message}`));
    return page;
  }

  subresourceError(response) {
    const path = new URL(response.url()).pathname;
    const message = `${response.request().resourceType()} ${path} answered ${response.status()}`;
    // Browsers ask for /favicon.ico on their own; the pages do not link it.
    if (path === '/favicon.ico') this.findings.note(message);
    else this.findings.fail(message);
  }

  /** page.goto a path; returns the main document's response. */
  async goto(page, path) {
    return page.goto(this.url(path), { waitUntil: 'load' });
  }

  /**
   * Runs `action` (a click, a key press) that loads a new document, and waits
   * for it to load. Returns the main document's final response: after a
   * redirect (a form answered 303), the page it led to.
   */
  async follow(page, action) {
    const navigated = page.waitForEvent('response', {
      predicate: (r) =>
        r.request().isNavigationRequest() &&
        r.request().frame() === page.mainFrame() &&
        !(r.status() >= 300 && r.status() < 400 && r.headers().location),
    });
    await action();
    const response = await navigated;
    // The response arrives before the new document replaces the old one:
    // wait until it has, and has loaded, so t.check sees the new page.
    await page.waitForURL((url) => withoutHash(url.href) === withoutHash(response.url()), { waitUntil: 'load' });
    return response;
  }

  /**
   * Checks the page as it is now: the document's status, axe-core at phone and
   * desktop widths, a screenshot at each, and the same URL re-loaded with the
   * Content-Security-Policy enforced. Axe and CSP findings fail the journey but
   * let it go on, so one run lists them all.
   */
  async check(page, label, { status = 200 } = {}) {
    const state = this.pages.get(page);
    const url = page.url();
    for (const earlier of state.unchecked) {
      if (withoutHash(earlier) !== withoutHash(url)) {
        this.findings.fail(`visited ${earlier} without checking it (call t.check after each page)`);
      }
    }
    state.unchecked = [];
    if (state.status !== status) {
      throw new Error(`${label}: ${url} answered ${state.status}, expected ${status}`);
    }
    this.checks += 1;
    const number = String(this.checks).padStart(2, '0');
    const counts = [];
    const found = new Map(); // the same violation at both widths is listed once
    for (const size of WIDTHS) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await twoFrames(page);
      const violations = await this.axe(page);
      counts.push(`${violations.length} at ${size.name}`);
      for (const o of await overflow(page)) {
        this.findings.note(`layout: on ${label} at ${size.name} width (${new URL(url).pathname}), ${o}`);
      }
      for (const v of violations) {
        const key = `${v.id} ${v.targets.join(' ')}`;
        if (found.has(key)) found.get(key).widths.push(size.name);
        else found.set(key, { ...v, widths: [size.name] });
      }
      await page.screenshot({
        path: join(this.screenshotDir, `${number}-${slug(label)}-${size.name}.png`),
        fullPage: true,
        animations: 'disabled',
      });
    }
    for (const v of found.values()) {
      this.findings.fail(
        `axe ${v.id} (${v.impact}) on ${label} at ${v.widths.join(' and ')} width, ${url}: ${v.help}\n` +
          v.targets.map((target) => `      at ${target}`).join('\n'),
      );
    }
    const csp = state.method === 'GET' ? await this.cspCheck(page) : 'not re-loaded (not a GET)';
    this.step(`${label}: ${new URL(url).pathname}${new URL(url).search} ${state.status}; axe violations ${counts.join(', ')}; CSP ${csp}`);
  }

  async axe(page) {
    const loaded = await page.evaluate(() => typeof window.axe === 'object');
    if (!loaded) await page.addScriptTag({ content: this.harness.axeSource });
    return page.evaluate(async (tags) => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
    }, AXE_TAGS);
  }

  /** Loads the page's URL again, with its cookies, honouring the CSP; reports violations. */
  async cspCheck(page) {
    const context = await this.harness.browser.newContext({
      storageState: await page.context().storageState(),
      viewport: { width: DESKTOP.width, height: DESKTOP.height },
    });
    try {
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      await context.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
        );
      });
      const enforced = await context.newPage();
      const messages = [];
      enforced.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) messages.push(m.text());
      });
      await enforced.goto(page.url(), { waitUntil: 'load' });
      await twoFrames(enforced);
      const violations = await enforced.evaluate(() => window.__cspViolations);
      // The events say what was blocked; the console messages are a fallback.
      const all = violations.length > 0 ? violations : messages;
      for (const v of all) this.findings.fail(`CSP violation on ${page.url()}: ${v}`);
      return all.length === 0 ? 'clean' : `${all.length} violations`;
    } finally {
      await context.close();
    }
  }

  async close({ reportUnchecked }) {
    for (const state of this.pages.values()) {
      for (const url of reportUnchecked ? state.unchecked : []) {
        this.findings.fail(`visited ${url} without checking it (call t.check after each page)`);
      }
      state.unchecked = [];
    }
    for (const context of this.contexts) await context.close();
  }
}

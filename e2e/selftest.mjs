#!/usr/bin/env node
// Checks the harness itself against a tiny local server, so that "0 axe
// violations, CSP clean" from run.mjs means something: a page with known
// problems must produce axe violations, CSP violations, an unchecked-visit
// failure and a status failure (and notes about content spilling sideways). Needs no tandem binary.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Harness, launchBrowser } from './lib/harness.mjs';

const BAD =
  '<!doctype html><html><head><title>bad</title></head><body><main>' +
  '<h1 style="color:red">Bad</h1><img src="/pixel"><script>1</script><a href="/good">good</a>' +
  '<div style="border:1px solid;width:100px"><p style="width:1500px">wide</p></div>' +
  '</main></body></html>';
const GOOD =
  '<!doctype html><html lang="en"><head><title>good</title></head><body><main><h1>Good</h1></main></body></html>';

const site = createServer((request, response) => {
  response.setHeader('content-security-policy', "default-src 'self'");
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(request.url === '/bad' ? BAD : GOOD);
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const screenshotDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-selftest-'));
const lines = [];
let browser;
try {
  browser = await launchBrowser();
  const harness = new Harness({
    browser,
    server: { baseUrl: `http://127.0.0.1:${site.address().port}` },
    screenshotDir,
    log: (line) => lines.push(line),
  });
  await harness.run(
    {
      name: 'bad page',
      async run(t) {
        const page = await t.newPage();
        await t.goto(page, '/bad');
        await t.check(page, 'bad');
        await t.follow(page, () => page.getByRole('link', { name: 'good' }).click());
      },
    },
    0,
  );
  await harness.run(
    {
      name: 'wrong status',
      async run(t) {
        const page = await t.newPage();
        await t.goto(page, '/good');
        await t.check(page, 'good', { status: 404 });
      },
    },
    1,
  );
  await harness.run(
    {
      name: 'good page',
      async run(t) {
        const page = await t.newPage();
        await t.goto(page, '/good');
        await t.check(page, 'good');
      },
    },
    2,
  );
  const log = lines.join('\n');
  const expect = (pattern) => assert.match(log, pattern, `the harness log lacks ${pattern}:\n${log}`);
  expect(/FAIL: axe image-alt \(critical\) on bad at phone and desktop width/);
  expect(/FAIL: axe html-has-lang/);
  expect(/FAIL: CSP violation .*style-src-attr blocked inline/);
  expect(/FAIL: CSP violation .*script-src-elem blocked inline/);
  expect(/FAIL: visited http:\S+\/good without checking it/);
  expect(/answered 200, expected 404/);
  expect(/note: layout: on bad at phone width \(\/bad\), the page is \d+ px wide in a 360 px window/);
  expect(/note: layout: on bad at desktop width \(\/bad\), div: content 1500 px wide in a 100 px box/);
  assert.deepEqual(
    harness.results.map((r) => r.passed),
    [false, false, true],
    log,
  );
  console.log('harness self-test: ok (axe, CSP, unchecked visits and status are all caught)');
} finally {
  await browser?.close();
  site.close();
  rmSync(screenshotDir, { recursive: true, force: true });
}

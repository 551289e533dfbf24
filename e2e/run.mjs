#!/usr/bin/env node
// Runs Tandem's browser journeys: for each journey, starts `tandem demo` on a
// fresh data directory and a free port (so no journey sees another's edits,
// sessions or sign-in attempts: sign-in allows 6 attempts a minute from one
// address), drives the system Chromium through it (axe-core and screenshots
// on every page), stops the server, and ends with "N passed, M failed".
// Exit status 0 only when every journey passed.
//
//   node run.mjs                 every journey
//   node run.mjs keyboard        only journeys whose name contains "keyboard"
//
// TANDEM_BIN: the tandem binary (default ../target/release/tandem)
// CHROMIUM_PATH: the browser (default /usr/bin/chromium)

import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Harness, launchBrowser } from './lib/harness.mjs';
import { startDemo, tandemBinary } from './lib/server.mjs';
import journeys from './journeys/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const screenshotDir = join(here, 'screenshots');

async function main() {
  const filter = process.argv.slice(2).join(' ').toLowerCase();
  const selected = journeys.filter((j) => j.name.toLowerCase().includes(filter));
  if (selected.length === 0) {
    console.error(`no journey matches ${JSON.stringify(filter)}`);
    return 2;
  }

  let server = null;
  let browser = null;
  let harness = null;
  const stopEverything = async () => {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
    browser = null;
    server = null;
  };
  let interrupted = false;
  const onSignal = (signal) => {
    interrupted = true;
    console.error(`\n${signal}: stopping the browser and the server`);
    if (harness) harness.log = () => {}; // the journey in flight fails noisily
    stopEverything().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const bin = tandemBinary(here);
    browser = await launchBrowser();
    console.log(`tandem demo: ${bin}, a fresh server (new data directory) per journey`);
    console.log(`Chromium ${browser.version()}; screenshots in ${screenshotDir}`);
    rmSync(screenshotDir, { recursive: true, force: true });
    mkdirSync(screenshotDir, { recursive: true });
    harness = new Harness({ browser, server: null, screenshotDir });
    for (const journey of selected) {
      if (interrupted) break;
      server = await startDemo(bin);
      await harness.run(journey, journeys.indexOf(journey), { server });
      if (!server.alive()) throw new Error(`tandem demo stopped during "${journey.name}":\n${server.output()}`);
      await server.stop();
      server = null;
    }
  } catch (error) {
    if (!interrupted) console.error(`\nFAIL: ${error.message}`);
  } finally {
    await stopEverything();
  }

  if (interrupted) return 130;
  const results = harness?.results ?? [];
  const passed = results.filter((r) => r.passed).length;
  const failed = selected.length - passed; // journeys that never ran count as failed
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();

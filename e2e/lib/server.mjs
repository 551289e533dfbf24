// Starts `tandem demo` on a fresh temporary data directory and a free port,
// waits until /healthz answers, and stops it again.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HEALTH_TRIES = 150; // 150 tries, 200 ms apart: 30 s at most
const HEALTH_INTERVAL_MS = 200;
const STOP_GRACE_MS = 5000;

/** The tandem binary: $TANDEM_BIN, else ../target/release/tandem beside e2e/. */
export function tandemBinary(e2eDir) {
  const bin = process.env.TANDEM_BIN
    ? resolve(process.env.TANDEM_BIN)
    : resolve(e2eDir, '..', 'target', 'release', 'tandem');
  if (!existsSync(bin)) {
    throw new Error(
      `the tandem binary is missing at ${bin}\n` +
        'build it with `cargo build --release -p tandem` from the repository root, ' +
        'or point TANDEM_BIN at one',
    );
  }
  return bin;
}

/** A port that was free a moment ago: the OS picks it for a socket bound to port 0. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `tandem demo`. Resolves to { baseUrl, output(), stop() } once /healthz
 * answers 200; rejects (after stopping the process) if it exits first or never
 * becomes healthy.
 */
export async function startDemo(bin) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
  const port = await freePort();
  // The child sees no TANDEM_* settings from our environment (a developer's
  // TANDEM_DATABASE_URL must not receive demo data) and runs in the temporary
  // directory, so no ./tandem.toml is picked up either.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TANDEM_')),
  );
  env.RUST_LOG = process.env.RUST_LOG ?? 'warn';
  const child = spawn(bin, ['demo', '--port', String(port), '--data-dir', dataDir], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  const exit = new Promise((res) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      res(exited);
    });
    child.on('error', (error) => {
      exited = { error };
      res(exited);
    });
  });
  // Last resort if this process dies without running its cleanup.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  let lastError = 'no answer';
  for (let attempt = 1; attempt <= HEALTH_TRIES; attempt++) {
    if (exited) {
      await stop();
      throw new Error(
        `tandem demo exited before it was healthy (${JSON.stringify(exited)}):\n${output}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) {
        return { baseUrl, dataDir, output: () => output, alive: () => !exited, stop };
      }
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = error.cause?.code ?? error.message;
    }
    await new Promise((r) => setTimeout(r, HEALTH_INTERVAL_MS));
  }
  await stop();
  throw new Error(
    `tandem demo did not answer ${baseUrl}/healthz after ${HEALTH_TRIES} tries (${lastError}):\n${output}`,
  );
}

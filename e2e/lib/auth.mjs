// Signing in through the real sign-in form, with the accounts and the
// password that `tandem demo` printed.
//
// Sign-in allows 6 attempts a minute from one address (the 7th gets 429),
// and every journey signs in from 127.0.0.1. run.mjs gives each journey a
// fresh server, and signIn() refuses outright to make more than
// SIGN_IN_BUDGET attempts against one server: a journey that needs more
// fails at once with a clear message instead of flaking on a fast machine.

import assert from 'node:assert/strict';

export const SIGN_IN_BUDGET = 4;

const attempts = new WeakMap(); // server -> sign-in attempts made against it

/**
 * The sign-ins `tandem demo` printed:
 *
 *   Sign in with any of these (password: tandem-demo-2013):
 *     mentee@northshore          mentee (assistant professor, Cardiology), Claire Suzuki
 *     operator                   system operator (all institutions, no people data)
 *
 * Returns { password, accounts: Map(username -> { username, description, name }) };
 * `name` is the linked person's name (after the last "), "), or null.
 */
export function demoSignIns(output) {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /Sign in with any of these \(password: .+\):/.test(l));
  assert.ok(start >= 0, `tandem demo printed no sign-ins:\n${output}`);
  const password = lines[start].match(/\(password: (.+)\):/)[1];
  const accounts = new Map();
  for (const line of lines.slice(start + 1)) {
    const m = line.match(/^\s+(\S+)\s{2,}(\S.*)$/);
    if (!m) break;
    const [, username, description] = m;
    const name = description.match(/\),\s*([^,()]+)$/)?.[1].trim() ?? null;
    accounts.set(username, { username, description, name });
  }
  assert.ok(accounts.size > 0, `no accounts under the sign-in line:\n${output}`);
  return { password, accounts };
}

/** The demo account `username` (with the printed password); fails if it was not printed. */
export function account(t, username) {
  const { password, accounts } = demoSignIns(t.server.output());
  const found = accounts.get(username);
  assert.ok(found, `tandem demo printed no account ${username} (it printed ${[...accounts.keys()].join(', ')})`);
  return { ...found, password };
}

/** Counts one sign-in attempt against the journey's server, refusing past the budget. */
export function countAttempt(t) {
  const made = (attempts.get(t.server) ?? 0) + 1;
  if (made > SIGN_IN_BUDGET) {
    throw new Error(
      `sign-in attempt ${made} against one server: journeys may make at most ${SIGN_IN_BUDGET} ` +
        '(the server allows 6 a minute from one address); split the journey',
    );
  }
  attempts.set(t.server, made);
}

/**
 * Fills the sign-in form on `page` (already on /sign-in and checked) and
 * submits it. Returns the response of the page it led to; the caller checks
 * that page (with the status it expects).
 */
export async function submitSignIn(t, page, username, password) {
  assert.equal(new URL(page.url()).pathname, '/sign-in', `not on the sign-in page: ${page.url()}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  countAttempt(t);
  return t.follow(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

/**
 * A new page (own browser context, own cookies) signed in as `username`:
 * opens `path` (default /) signed out, checks the sign-in page it is sent to,
 * signs in and checks the page it lands on (`status`, default 200). Returns
 * { page, account }.
 */
export async function signedIn(t, username, { path = '/', status = 200, label } = {}) {
  const who = account(t, username);
  const page = await t.newPage();
  await t.goto(page, path);
  await t.check(page, `sign-in (${username})`);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/sign-in', `${path} signed out led to ${page.url()}, not the sign-in page`);
  assert.equal(url.searchParams.get('next'), path, 'the sign-in page remembers where it was asked for');
  const response = await submitSignIn(t, page, username, who.password);
  await t.check(page, label ?? `${username} ${path === '/' ? 'home' : path}`, { status });
  assert.equal(response.status(), status);
  assert.equal(new URL(page.url()).pathname, path, `signing in as ${username} led to ${page.url()}, not ${path}`);
  return { page, account: who };
}

/** The main navigation's link texts, in order. */
export async function navLinks(page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
}

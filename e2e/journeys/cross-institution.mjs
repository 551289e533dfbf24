// Another institution's records do not exist for a signed-in user: a
// Northshore mentee opening a Bayview profile (or directory) gets 404, the
// same as an unknown id in their own institution.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { signedIn } from '../lib/auth.mjs';

export default {
  name: 'cross-institution: a Northshore mentee gets 404 for Bayview people',
  async run(t) {
    // A Bayview person's page, from the Bayview mentee's "My profile".
    const bayview = await signedIn(t, 'mentee@bayview');
    const nav = bayview.page.getByRole('navigation', { name: 'Main' });
    await t.follow(bayview.page, () => nav.getByRole('link', { name: 'My profile' }).click());
    await t.check(bayview.page, 'bayview mentee profile');
    const bayviewPerson = new URL(bayview.page.url()).pathname;
    assert.match(bayviewPerson, /^\/i\/bayview\/people\/[0-9a-f-]{36}$/);
    assert.equal(await bayview.page.getByRole('heading', { level: 1 }).innerText(), bayview.account.name);

    // Asked for signed out, it leads to sign-in; signed in, the 404.
    const { page } = await signedIn(t, 'mentee@northshore', {
      path: bayviewPerson,
      status: 404,
      label: 'bayview profile as a northshore mentee',
    });
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Not found');
    assert.equal(await page.getByText(bayview.account.name).count(), 0, 'the 404 names the person');

    const directory = await t.goto(page, '/i/bayview/people');
    assert.equal(directory.status(), 404);
    await t.check(page, 'bayview directory as a northshore mentee', { status: 404 });

    const unknown = await t.goto(page, `/i/northshore/people/${randomUUID()}`);
    assert.equal(unknown.status(), 404);
    await t.check(page, 'unknown person', { status: 404 });
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Not found');
    await t.follow(page, () => page.getByRole('main').getByRole('link').first().click());
    await t.check(page, 'back from not found');
    assert.equal(new URL(page.url()).pathname, '/');
  },
};

// An institution administrator reaches the permissions table and the audit
// log from the navigation (the audit log records their own sign-in), and
// the accounts page, which lists their institution's accounts only.

import assert from 'node:assert/strict';

import { navLinks, signedIn } from '../lib/auth.mjs';

const ADMIN = 'admin@northshore';

export default {
  name: 'admin: permissions table, audit log and accounts',
  async run(t) {
    const { page } = await signedIn(t, ADMIN);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Welcome, ${ADMIN}`);
    assert.deepEqual(await navLinks(page), ['Home', 'Directory', 'Settings', 'Permissions', 'Matching rules', 'Accounts', 'Audit log']);
    const nav = page.getByRole('navigation', { name: 'Main' });

    const permissions = await t.follow(page, () => nav.getByRole('link', { name: 'Permissions' }).click());
    assert.equal(permissions.status(), 200);
    await t.check(page, 'permissions');
    assert.equal(new URL(page.url()).pathname, '/admin/permissions');
    const roles = await page.locator('table.matrix thead th').allInnerTexts();
    for (const role of ['Mentee', 'Mentor', 'Program facilitator', 'Chair or division director', 'Institution administrator']) {
      assert.ok(roles.includes(role), `the permissions table has no column for ${role}: ${roles.join(', ')}`);
    }
    assert.ok((await page.locator('table.matrix tbody tr').count()) > 0, 'the permissions table is empty');

    const audit = await t.follow(page, () => nav.getByRole('link', { name: 'Audit log' }).click());
    assert.equal(audit.status(), 200);
    await t.check(page, 'audit log');
    assert.equal(new URL(page.url()).pathname, '/admin/audit');
    const newest = (await page.locator('table.matrix tbody tr').first().innerText()).split('\t').map((s) => s.trim());
    assert.ok(
      newest.includes(ADMIN) && newest.includes('sign_in') && newest.includes('ok'),
      `the newest audit entry is not this sign-in: ${newest.join(' | ')}`,
    );

    const accounts = await t.follow(page, () => nav.getByRole('link', { name: 'Accounts' }).click());
    assert.equal(accounts.status(), 200);
    await t.check(page, 'accounts');
    assert.equal(new URL(page.url()).pathname, '/admin/accounts');
    const listed = await page.getByText('mentee@northshore', { exact: true }).count();
    assert.ok(listed > 0, 'the accounts page does not list mentee@northshore');
    assert.equal(await page.getByText('mentee@bayview').count(), 0, "another institution's accounts are listed");
  },
};

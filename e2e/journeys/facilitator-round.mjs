// A facilitator runs a round for a cohort of at least 150 (everyone
// appointed since 2000 without a mentor), previews the pairs with reasons
// and risks and the unmatched with why, locks a pair, re-runs, forbids a
// pair, and publishes; the proposals then wait for both sides. Then the
// time-to-match report from the facilitator's home.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';

/** The <dd> of a <dt> on the round page, as text. */
const fact = async (page, term) => (await page.locator(`dl.facts dt:text-is("${term}") + dd`).innerText()).trim();

export default {
  name: 'facilitator round: a cohort of 150+, lock, re-run, forbid, publish',
  async run(t) {
    const { page } = await signedIn(t, 'facilitator@northshore');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await t.follow(page, () => nav.getByRole('link', { name: 'Rounds' }).click());
    await t.check(page, 'rounds');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Matching rounds');
    // The demo's earlier round is there, published.
    assert.match(await page.locator('main').innerText(), /Autumn round: faculty still looking · optimal, 1 per mentee · published/);

    await page.getByLabel('Name').fill('New faculty since 2000');
    await page.getByLabel('Appointed since').fill('2000-01-01');
    await page.getByLabel('Method').selectOption('optimal');
    await t.follow(page, () => page.getByRole('button', { name: 'Run the round' }).click());
    await t.check(page, 'round preview');
    assert.match(new URL(page.url()).pathname, /^\/rounds\/[0-9a-f-]{36}$/);
    const cohort = Number((await fact(page, 'Cohort')).match(/^(\d+)/)[1]);
    assert.ok(cohort >= 150, `a cohort of at least 150, got ${cohort}`);
    const rows = page.locator('table.pairs tbody tr');
    const pairs = await rows.count();
    assert.ok(pairs > 0, 'the round proposes pairs');
    // Every proposed pair explains itself.
    for (const row of (await rows.all()).slice(0, 20)) {
      assert.ok((await row.locator('ul.reasons li, ul.risks li').count()) > 0, `an unexplained pair: ${await row.innerText()}`);
    }
    // Those left out are told why.
    // Those left out are told why, grouped by reason, with their names.
    const unmatched = page.locator('ul.unmatched > li');
    if ((await unmatched.count()) > 0) {
      const first = unmatched.first();
      assert.match(await first.innerText(), /\w+.*\.\s*\n?\s*\d+ mentees?/s);
      await first.locator('summary').click();
      assert.ok((await first.locator('details p').innerText()).length > 0, 'the names under a reason');
    }

    // Lock the third pair: the round runs again and keeps it.
    const third = rows.nth(2);
    const mentee = await third.locator('th').innerText();
    const mentor = (await third.locator('td').first().innerText()).split('\n')[0];
    await t.follow(page, () => third.getByRole('button', { name: /^Lock/ }).click());
    await t.check(page, 'after locking a pair');
    const locked = page.locator('table.pairs tbody tr.locked');
    assert.equal(await locked.count(), 1, 'one locked pair');
    assert.equal(await locked.locator('th').innerText(), mentee);
    assert.match(await locked.locator('td').first().innerText(), new RegExp(`^${mentor}`));

    await t.follow(page, () => page.getByRole('button', { name: 'Re-run' }).click());
    await t.check(page, 'after re-running');
    assert.equal(await page.locator('table.pairs tbody tr.locked').count(), 1, 'the lock survives a re-run');

    // Forbid the first unlocked pair: it is gone from the proposals.
    const free = page.locator('table.pairs tbody tr:not(.locked)').first();
    const fMentee = await free.locator('th').innerText();
    const fMentor = (await free.locator('td').first().innerText()).split('\n')[0];
    await t.follow(page, () => free.getByRole('button', { name: /^Forbid/ }).click());
    await t.check(page, 'after forbidding a pair');
    assert.match(await page.getByRole('heading', { name: 'Forbidden pairs' }).locator('..').innerText(), new RegExp(`${fMentee} with ${fMentor}`));
    for (const row of await page.locator('table.pairs tbody tr').all()) {
      const m = await row.locator('th').innerText();
      const n = (await row.locator('td').first().innerText()).split('\n')[0];
      assert.ok(!(m === fMentee && n === fMentor), 'the forbidden pair is not proposed');
    }

    const publish = page.getByRole('button', { name: /^Publish \d+ proposals$/ });
    await t.follow(page, () => publish.click());
    await t.check(page, 'published round');
    assert.match(await page.locator('p.lead').innerText(), /published/);
    assert.equal(await page.getByRole('button', { name: /^Publish/ }).count(), 0, 'nothing left to publish');

    // Time to match, from the facilitator's home: groups under five hidden.
    await t.follow(page, () => nav.getByRole('link', { name: 'Home' }).click());
    await t.check(page, 'facilitator home');
    await t.follow(page, () => page.getByRole('link', { name: 'Time to match' }).click());
    await t.check(page, 'time to match');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Time to match');
    const gender = await page.getByRole('region', { name: /by gender/ }).innerText();
    assert.match(gender, /Woman\s+\d+\s+\d+\s+\d+(\.\d)?/, `a median for women: ${gender}`);
  },
};

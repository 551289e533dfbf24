// Stable matching collects rankings from both sides first: a facilitator
// starts a stable round for one mentee, the mentee and a mentor each rank
// the other first on their sheet (reached from their news), and the
// re-run round pairs them.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';

/** Opens the ranking sheet from the requests page's news and puts `name` first. */
async function rankFirst(t, page, who, name) {
  await t.goto(page, '/requests');
  await t.check(page, `${who}'s requests with the round's news`);
  const ask = page.locator('ul.news a', { hasText: 'asks you to rank your candidates' });
  assert.equal(await ask.count(), 1, `${who} is asked to rank`);
  await t.follow(page, () => ask.click());
  await t.check(page, `${who}'s ranking sheet`);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Rank your candidates');
  await page.getByLabel(`Your place for ${name}`).selectOption('1');
  await t.follow(page, () => page.getByRole('button', { name: 'Save my ranking' }).click());
  await t.check(page, `${who}'s ranking saved`);
  assert.match(await page.locator('p.notice').innerText(), /ranking is saved/);
  assert.equal(await page.getByLabel(`Your place for ${name}`).inputValue(), '1');
}

export default {
  name: 'stable round: both sides rank first, the round follows',
  async run(t) {
    const facilitator = await signedIn(t, 'facilitator@northshore');
    const mentee = await signedIn(t, 'mentee@northshore');
    const mentor = await signedIn(t, 'mentor@northshore');
    const page = facilitator.page;
    await t.goto(page, '/rounds');
    await t.check(page, 'rounds');
    await page.getByLabel('Name').fill('Stable pilot');
    await page.getByLabel('These people (employee ids):').check();
    await page.getByLabel('Employee ids, separated by commas or lines').fill('NS00001');
    await page.getByLabel('Method').selectOption('stable');
    await t.follow(page, () => page.getByRole('button', { name: 'Run the round' }).click());
    await t.check(page, 'stable round preview');
    const facts = page.locator('dl.facts');
    assert.match(await facts.innerText(), /Rankings\s+0 of \d+ participants have ranked/);
    const roundUrl = page.url();

    await rankFirst(t, mentee.page, 'mentee', mentor.account.name);
    await rankFirst(t, mentor.page, 'mentor', mentee.account.name);

    await t.goto(page, new URL(roundUrl).pathname);
    await t.check(page, 'round before the re-run');
    assert.match(await facts.innerText(), /Rankings\s+2 of \d+/);
    await t.follow(page, () => page.getByRole('button', { name: 'Re-run' }).click());
    await t.check(page, 'round after the re-run');
    const row = page.locator('table.pairs tbody tr').first();
    assert.equal(await row.locator('th').innerText(), mentee.account.name);
    assert.match(await row.locator('td').first().innerText(), new RegExp(`^${mentor.account.name}`));
  },
};

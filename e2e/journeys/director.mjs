// A division director sees their division's aggregate summary from their
// home page, and is refused another division's; the department chair, whose
// unit holds both, may open that one.

import assert from 'node:assert/strict';

import { navLinks, signedIn } from '../lib/auth.mjs';

const OWN = 'Cardiology';
const OTHER = 'Nephrology';

/** Every count cell of the summary tables: a number of five or more, "<5" or "–" (hidden so a small count cannot be worked out). */
async function assertSmallCountsHidden(page) {
  const counts = await page.locator('table.summary tbody td.num:nth-of-type(1)').allInnerTexts();
  assert.ok(counts.length > 0, 'the summary has no counts');
  for (const c of counts.map((s) => s.trim())) {
    assert.ok(c === '<5' || c === '–' || Number(c) === 0 || Number(c) >= 5, `a count of ${c} is shown`);
  }
  return counts;
}

export default {
  name: 'director: own division summary opens, another division answers 403',
  async run(t) {
    const { page, account } = await signedIn(t, 'director@northshore');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Welcome, ${account.name}`);
    assert.deepEqual(await navLinks(page), ['Home', 'Directory', 'Relationships', 'Requests', 'My profile', 'Settings']);
    const card = page.locator('li.card', { has: page.getByRole('heading', { name: 'Chair or division director' }) });
    assert.equal((await card.locator('p.scope').innerText()).trim(), OWN);
    const links = card.locator('ul.links a');
    assert.deepEqual(await links.allInnerTexts(), [OWN], 'the director is offered only their division');

    await t.follow(page, () => links.first().click());
    await t.check(page, `${OWN} summary`);
    assert.match(new URL(page.url()).pathname, /^\/i\/northshore\/divisions\/[0-9a-f-]{36}$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), OWN);
    const counts = await assertSmallCountsHidden(page);
    t.step(`${OWN}: ${(await page.locator('p.lead').innerText()).split('.')[0]}; counts ${counts.join(' ')}`);

    // Another division's id, from the directory's division filter.
    await t.follow(page, () => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Directory' }).click());
    await t.check(page, 'directory');
    const other = await page.getByLabel('Division').locator('option', { hasText: OTHER }).getAttribute('value');
    assert.match(other ?? '', /^[0-9a-f-]{36}$/, `no ${OTHER} in the division filter`);
    const otherPath = `/i/northshore/divisions/${other}`;
    const refused = await t.goto(page, otherPath);
    assert.equal(refused.status(), 403);
    await t.check(page, `${OTHER} summary, refused`, { status: 403 });
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Not allowed');
    assert.equal(await page.locator('table.summary').count(), 0, 'the refusal shows no figures');

    // The chair's unit is the whole department: the same page opens for them.
    const chair = await signedIn(t, 'chair@northshore', { path: otherPath, label: `${OTHER} summary as the chair` });
    assert.equal(await chair.page.getByRole('heading', { level: 1 }).innerText(), OTHER);
    await assertSmallCountsHidden(chair.page);
    await t.follow(chair.page, () => chair.page.getByRole('link', { name: 'Home' }).first().click());
    await t.check(chair.page, 'chair home');
    const chairCard = chair.page.locator('li.card', { has: chair.page.getByRole('heading', { name: 'Chair or division director' }) });
    const divisions = await chairCard.locator('ul.links a').allInnerTexts();
    assert.ok(divisions.includes(OWN) && divisions.includes(OTHER), `the chair is offered ${divisions.join(', ')}`);
  },
};

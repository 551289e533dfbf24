// Home page -> an institution's directory -> filter by rank -> free-text
// search -> next page -> a profile -> its "Reports to" link.

import assert from 'node:assert/strict';

const INSTITUTION = /Northshore/;
const RANK = { value: 'assistant_professor', label: 'Assistant professor' };
// Matches an interest ("memory clinic", "HIV clinic", ...) of well over one
// page of the demo's assistant professors, so there is a next page.
const SEARCH = 'clinic';

/** "Showing 51–100 of 129" -> { first: 51, last: 100, total: 129 }. */
async function count(page) {
  const text = (await page.locator('p.count').innerText()).trim();
  const m = text.match(/^Showing (\d+)\D+(\d+) of (\d+)$/);
  assert.ok(m, `expected "Showing A–B of N", got ${JSON.stringify(text)}`);
  return { first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) };
}

async function columnValues(page, label) {
  return page.locator(`table.people td[data-label="${label}"]`).allInnerTexts();
}

export default {
  name: 'browse the directory from the home page to a supervisor',
  async run(t) {
    const page = await t.newPage();

    await t.goto(page, '/');
    await t.check(page, 'home');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Institutions');

    await t.follow(page, () => page.getByRole('link', { name: INSTITUTION }).click());
    await t.check(page, 'directory');
    assert.match(new URL(page.url()).pathname, /^\/i\/[a-z0-9-]+\/people$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Faculty directory');
    const everyone = await count(page);
    assert.equal(everyone.first, 1);

    await page.getByLabel('Rank').selectOption(RANK.value);
    await t.follow(page, () => page.getByRole('button', { name: 'Filter' }).click());
    await t.check(page, 'filtered by rank');
    assert.equal(new URL(page.url()).searchParams.get('rank'), RANK.value);
    assert.equal(await page.getByLabel('Rank').inputValue(), RANK.value, 'the rank stays selected');
    const ranked = await count(page);
    assert.ok(ranked.total > 0 && ranked.total < everyone.total, `rank filter: ${ranked.total} of ${everyone.total}`);
    for (const rank of await columnValues(page, 'Rank')) assert.equal(rank, RANK.label);

    await page.getByLabel('Search').fill(SEARCH);
    await t.follow(page, () => page.getByLabel('Search').press('Enter'));
    await t.check(page, 'searched');
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('q'), SEARCH);
    assert.equal(params.get('rank'), RANK.value, 'the search keeps the rank filter');
    assert.equal(await page.getByLabel('Search').inputValue(), SEARCH);
    const searched = await count(page);
    assert.ok(searched.total < ranked.total, `search: ${searched.total} of ${ranked.total}`);
    assert.ok(searched.total > searched.last, `search for ${SEARCH} fits one page (${searched.total}); pick a broader term`);
    for (const rank of await columnValues(page, 'Rank')) assert.equal(rank, RANK.label);

    await t.follow(page, () => page.getByRole('link', { name: /Next/ }).click());
    await t.check(page, 'next page');
    const second = new URL(page.url()).searchParams;
    assert.equal(second.get('page'), '2');
    assert.equal(second.get('q'), SEARCH, 'paging keeps the search');
    assert.equal(second.get('rank'), RANK.value, 'paging keeps the rank filter');
    const next = await count(page);
    assert.equal(next.first, searched.last + 1);
    assert.equal(next.total, searched.total);
    assert.ok(await page.getByRole('link', { name: /Previous/ }).isVisible());

    const row = page.locator('table.people td[data-label="Name"] a').first();
    const listed = await row.innerText(); // "Family, Given"
    await t.follow(page, () => row.click());
    await t.check(page, 'profile');
    const profileUrl = page.url();
    const name = await page.getByRole('heading', { level: 1 }).innerText();
    for (const part of listed.split(',').map((s) => s.trim())) {
      assert.ok(name.includes(part), `profile heading ${JSON.stringify(name)} lacks ${JSON.stringify(part)}`);
    }
    assert.match(await page.locator('p.lead').innerText(), new RegExp(RANK.label));

    const supervisor = page.locator('dt:text-is("Reports to") + dd a');
    assert.equal(await supervisor.count(), 1, `${name} has no "Reports to" link`);
    const supervisorName = await supervisor.innerText();
    await t.follow(page, () => supervisor.click());
    await t.check(page, 'supervisor profile');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), supervisorName);
    const back = page.locator(`a[href="${new URL(profileUrl).pathname}"]`);
    assert.ok((await back.count()) >= 1, `${supervisorName}'s reports do not list ${name}`);
  },
};

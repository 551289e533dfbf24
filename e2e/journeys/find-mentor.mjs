// A mentee finds a mentor: suggestions that explain themselves, a filter,
// two mentors' pages compared side by side (fit, reasons, risks, what
// their mentees say), a request with a message; the mentor sees it under
// Requests and accepts; the mentee then sees the pair and the news.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';

const MENTEE = 'mentee@northshore';
const MENTOR = 'mentor@northshore';

/** The fit score shown on a mentor's page, as a number. */
async function score(page) {
  const text = await page.locator('h1 + .score').innerText();
  const m = text.match(/^(\d+)/);
  assert.ok(m, `no score in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

export default {
  name: 'find a mentor: suggestions, compare, request; the mentor accepts',
  async run(t) {
    const mentee = await signedIn(t, MENTEE);
    const mentor = await signedIn(t, MENTOR);
    assert.ok(mentor.account.name, `the demo printed no person for ${MENTOR}`);
    const page = mentee.page;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await t.follow(page, () => nav.getByRole('link', { name: 'Find a mentor' }).click());
    await t.check(page, 'suggestions');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Find a mentor');
    const cards = page.locator('li.suggestion');
    assert.ok((await cards.count()) >= 5, 'at least five suggestions');
    // Every suggestion explains itself: a reason or a risk in plain words.
    for (const card of await cards.all()) {
      const explained = (await card.locator('ul.reasons li, ul.risks li').count()) > 0;
      assert.ok(explained, `a suggestion without reasons: ${await card.innerText()}`);
    }
    // Best first.
    const scores = (await page.locator('li.suggestion .score').allInnerTexts()).map((s) => Number(s.match(/\d+/)[0]));
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'suggestions are ordered by fit');

    // Compare the two best.
    const first = cards.nth(0).getByRole('heading', { level: 2 }).getByRole('link');
    const firstName = await first.innerText();
    await t.follow(page, () => first.click());
    await t.check(page, `mentor page: ${firstName}`);
    assert.ok(await page.getByRole('heading', { level: 2, name: 'Why this fits' }).isVisible());
    assert.ok(await page.getByRole('heading', { level: 2, name: 'What mentees say' }).isVisible());
    const firstScore = await score(page);
    await t.follow(page, () => page.goBack());
    await t.check(page, 'suggestions again');
    const second = cards.nth(1).getByRole('heading', { level: 2 }).getByRole('link');
    await t.follow(page, () => second.click());
    await t.check(page, 'second mentor page');
    assert.ok((await score(page)) <= firstScore, 'the second suggestion fits no better than the first');

    // Find the demo mentor by name and ask them.
    await t.goto(page, '/mentors');
    await t.check(page, 'suggestions, fresh');
    await page.getByLabel('Search').fill(mentor.account.name);
    await t.follow(page, () => page.getByRole('button', { name: 'Filter' }).click());
    await t.check(page, 'suggestions filtered by name');
    const found = page.locator('li.suggestion h2 a', { hasText: mentor.account.name });
    assert.equal(await found.count(), 1, `${mentor.account.name} is suggested`);
    await t.follow(page, () => found.click());
    await t.check(page, `mentor page: ${mentor.account.name}`);
    await page.getByLabel(/A message/).fill('I would value advice on my first grant; could we meet monthly?');
    await t.follow(page, () => page.getByRole('button', { name: 'Send the request' }).click());
    await t.check(page, 'request sent');
    assert.equal(new URL(page.url()).pathname, '/requests');
    assert.match(await page.locator('p.notice').innerText(), /request is sent/);
    const sent = page.locator('li.card', { hasText: mentor.account.name });
    assert.match(await sent.first().innerText(), /Waiting for an answer/);

    // The mentor accepts.
    const mnav = mentor.page.getByRole('navigation', { name: 'Main' });
    await t.follow(mentor.page, () => mnav.getByRole('link', { name: 'Requests' }).click());
    await t.check(mentor.page, 'requests to the mentor');
    const asked = mentor.page.locator('li.card', { hasText: 'could we meet monthly?' });
    assert.equal(await asked.count(), 1, 'the request reached the mentor');
    await t.follow(mentor.page, () => asked.getByRole('button', { name: /^Accept/ }).click());
    await t.check(mentor.page, 'request accepted');
    assert.match(await mentor.page.locator('p.notice').innerText(), /accepted/);

    // The mentee sees the news and the pair.
    await t.goto(page, '/requests');
    await t.check(page, 'requests after the answer');
    assert.match(await page.locator('ul.news').innerText(), new RegExp(`${mentor.account.name} accepted your request`));
    assert.match(await page.locator('main').innerText(), new RegExp(`${mentor.account.name}: your primary mentor since`));
  },
};

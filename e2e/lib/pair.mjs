// Pairs the demo mentee with the demo mentor the way people do: the mentee
// asks (finding the mentor by name among the suggestions), the mentor
// accepts under Requests. Both pages are checked on the way.

import assert from 'node:assert/strict';

export async function pairUp(t, mentee, mentor, message) {
  const page = mentee.page;
  await t.goto(page, `/mentors?q=${encodeURIComponent(mentor.account.name)}`);
  await t.check(page, 'suggestions filtered by name');
  const found = page.locator('li.suggestion h2 a', { hasText: mentor.account.name });
  assert.equal(await found.count(), 1, `${mentor.account.name} is suggested`);
  await t.follow(page, () => found.click());
  await t.check(page, `mentor page: ${mentor.account.name}`);
  await page.getByLabel(/A message/).fill(message);
  await t.follow(page, () => page.getByRole('button', { name: 'Send the request' }).click());
  await t.check(page, 'request sent');

  await t.goto(mentor.page, '/requests');
  await t.check(mentor.page, 'requests to the mentor');
  const asked = mentor.page.locator('li.card', { hasText: message });
  assert.equal(await asked.count(), 1, 'the request reached the mentor');
  await t.follow(mentor.page, () => asked.getByRole('button', { name: /^Accept/ }).click());
  await t.check(mentor.page, 'request accepted');
}

/** Opens the relationship with `name` from the Relationships page. */
export async function openRelationship(t, who, name) {
  const nav = who.page.getByRole('navigation', { name: 'Main' });
  await t.follow(who.page, () => nav.getByRole('link', { name: 'Relationships' }).click());
  await t.check(who.page, 'my relationships');
  const link = who.page.locator('ul.cards h3 a', { hasText: name });
  assert.equal(await link.count(), 1, `a current relationship with ${name}`);
  await t.follow(who.page, () => link.click());
  await t.check(who.page, `relationship with ${name}`);
}

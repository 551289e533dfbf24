// An unknown person id answers the not-found page with status 404.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

export default {
  name: 'an unknown person shows the not-found page with 404',
  async run(t) {
    const page = await t.newPage();
    const response = await t.goto(page, `/i/northshore/people/${randomUUID()}`);
    assert.equal(response.status(), 404);
    await t.check(page, 'unknown person', { status: 404 });
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Not found');
    await t.follow(page, () => page.getByRole('link', { name: /Back to the institutions/ }).click());
    await t.check(page, 'back home');
    assert.equal(new URL(page.url()).pathname, '/');
  },
};

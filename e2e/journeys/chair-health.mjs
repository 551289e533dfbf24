// A department chair sees relationship health only as counts per
// division, small groups hidden; the facilitator's console and any pair's
// health are refused.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';

export default {
  name: 'chair: relationship health as suppressed counts only',
  async run(t) {
    const { page } = await signedIn(t, 'chair@northshore');
    const card = page.locator('li.card', { has: page.getByRole('heading', { name: 'Chair or division director' }) });
    assert.match(await card.innerText(), /relationship health included/);
    await t.follow(page, () => card.getByRole('link', { name: 'Cardiology' }).click());
    await t.check(page, 'Cardiology summary');
    const health = page.locator('section', { has: page.getByRole('heading', { name: 'Relationship health' }) });
    assert.match(await health.innerText(), /Only counts: never a relationship or a person/);
    const rows = await health.locator('table.summary tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => /^Thriving/.test(r)) && rows.some((r) => /^At risk/.test(r)), rows.join(' | '));
    for (const c of await health.locator('td.num').allInnerTexts()) {
      const v = c.trim();
      assert.ok(v === '<5' || v === '–' || Number(v) === 0 || Number(v) >= 5, `a count of ${v} is shown`);
    }
    assert.equal(await health.getByRole('link').count(), 0, 'no link to any pair');
    t.step(`Cardiology: ${rows.join('; ')}`);

    for (const path of ['/program/health', '/program/checkins']) {
      const res = await t.goto(page, path);
      assert.equal(res.status(), 403, path);
      await t.check(page, `${path} refused`, { status: 403 });
    }
  },
};

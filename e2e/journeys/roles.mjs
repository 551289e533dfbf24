// Each role sees its own home and navigation: the mentor (also a mentee)
// gets both cards and reaches Settings, the facilitator and the evaluator
// get their unit's division summaries, the operator gets the institutions
// and accounts but no people. Pages outside a role answer 403.

import assert from 'node:assert/strict';

import { navLinks, signedIn } from '../lib/auth.mjs';

const cardTitles = (page) => page.locator('ul.cards > li.card > h2').allInnerTexts();

export default {
  name: 'roles: each role has its own home and navigation',
  async run(t) {
    const mentor = await signedIn(t, 'mentor@northshore');
    assert.equal(await mentor.page.getByRole('heading', { level: 1 }).innerText(), `Welcome, ${mentor.account.name}`);
    assert.deepEqual(await navLinks(mentor.page), ['Home', 'Directory', 'Find a mentor', 'Relationships', 'Requests', 'My profile', 'Settings']);
    assert.deepEqual(await cardTitles(mentor.page), ['Mentee', 'Mentor']);
    const nav = mentor.page.getByRole('navigation', { name: 'Main' });
    await t.follow(mentor.page, () => nav.getByRole('link', { name: 'Settings' }).click());
    await t.check(mentor.page, 'mentor settings');
    assert.equal(await mentor.page.getByRole('heading', { level: 1 }).innerText(), 'Settings');
    for (const h of ['Change password', 'E-mail', 'API tokens']) {
      assert.ok(await mentor.page.getByRole('heading', { level: 2, name: h }).isVisible(), `no ${h} section`);
    }
    const refused = await t.goto(mentor.page, '/admin/permissions');
    assert.equal(refused.status(), 403);
    await t.check(mentor.page, 'permissions, refused to the mentor', { status: 403 });
    assert.equal(await mentor.page.getByRole('heading', { level: 1 }).innerText(), 'Not allowed');

    const facilitator = await signedIn(t, 'facilitator@northshore');
    assert.deepEqual(await navLinks(facilitator.page), ['Home', 'Directory', 'Relationships', 'Requests', 'My profile', 'Settings', 'Health', 'Pairs', 'Rounds', 'Matching rules']);
    assert.deepEqual(await cardTitles(facilitator.page), ['Program facilitator']);
    const divisions = facilitator.page.locator('li.card ul.links a');
    assert.ok((await divisions.count()) > 1, 'the facilitator is offered their unit’s divisions');
    const last = divisions.last();
    const lastName = await last.innerText();
    await t.follow(facilitator.page, () => last.click());
    await t.check(facilitator.page, `${lastName} summary as the facilitator`);
    assert.equal(await facilitator.page.getByRole('heading', { level: 1 }).innerText(), lastName);

    const evaluator = await signedIn(t, 'evaluator@northshore');
    assert.deepEqual(await navLinks(evaluator.page), ['Home', 'Settings'], 'an evaluator has no directory');
    assert.deepEqual(await cardTitles(evaluator.page), ['Program evaluator']);
    const directory = await t.goto(evaluator.page, '/i/northshore/people');
    assert.equal(directory.status(), 403);
    await t.check(evaluator.page, 'directory, refused to the evaluator', { status: 403 });

    const operator = await signedIn(t, 'operator');
    assert.deepEqual(await navLinks(operator.page), ['Home', 'Settings', 'Permissions', 'Accounts']);
    assert.deepEqual(await cardTitles(operator.page), ['System operator']);
    const institutions = await operator.page.locator('main code').allInnerTexts();
    assert.deepEqual(institutions.sort(), ['bayview', 'northshore']);
    await t.follow(operator.page, () =>
      operator.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click(),
    );
    await t.check(operator.page, 'accounts as the operator');
    assert.equal(new URL(operator.page.url()).pathname, '/admin/accounts');
  },
};

// Relationship health (issue 7): a mentee's check-in flags poor
// communication; they see why and the study's remedy at once. Their mentor
// sees none of it. The facilitator, who watched the pair before, gets the
// alert, reads the evidence but not the private comment, opens a brokering
// case and proposes a secondary mentor.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';
import { openRelationship, pairUp } from '../lib/pair.mjs';

const MENTEE = 'mentee@northshore';
const MENTOR = 'mentor@northshore';
const FACILITATOR = 'facilitator@northshore';
const COMMENT = 'I leave our meetings unsure what we actually agreed.';

export default {
  name: 'health: a check-in flags poor communication; the facilitator brokers',
  async run(t) {
    const mentee = await signedIn(t, MENTEE);
    const mentor = await signedIn(t, MENTOR);
    const facilitator = await signedIn(t, FACILITATOR);
    await pairUp(t, mentee, mentor, 'Could you mentor me on my first grant?');

    // The program has seen the new pair (thriving: nothing to flag yet).
    const fp = facilitator.page;
    await t.follow(fp, () => fp.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click());
    await t.check(fp, 'health console before');
    const thriving = fp.locator('section', { has: fp.getByRole('heading', { name: 'Thriving' }) });
    assert.ok((await thriving.getByRole('link', { name: new RegExp(mentee.account.name) }).count()) === 1, 'the new pair is thriving');

    // The mentee checks in.
    const me = mentee.page;
    await openRelationship(t, mentee, mentor.account.name);
    const card = me.locator('section.health');
    assert.match(await card.innerText(), /How it is going/);
    assert.match(await card.locator('.status').innerText(), /Thriving/);
    await t.follow(me, () => card.getByRole('link', { name: /check-ins|Check in now/ }).click());
    await t.check(me, 'check-in form');
    assert.match(await me.locator('main').innerText(), /never sees your answers/);
    const question = (text) => me.getByRole('group', { name: text });
    await question(/What we discuss or agree is left unclear/).getByLabel('Mostly true').check();
    await question(/respect each other/).getByLabel('Completely true').check();
    await question(/both give to this relationship/).getByLabel('Mostly true').check();
    await question(/Meetings, preparation or follow-through slip/).getByLabel('Not at all true').check();
    await me.getByLabel(/Anything else/).fill(COMMENT);
    await t.follow(me, () => me.getByRole('button', { name: 'Send my check-in' }).click());
    await t.check(me, 'check-in sent');
    const after = await me.locator('main').innerText();
    assert.match(after, /At risk/);
    assert.match(after, /poor communication/);
    assert.match(after, /You answered “Mostly true” to: What we discuss or agree is left unclear/);
    const remedy = me.locator('.remedy');
    assert.match(await remedy.innerText(), /Close each meeting with a recap/);
    assert.ok((await remedy.getByRole('link', { name: /Ask the program's facilitator/ }).count()) === 1, 'the remedy offers the facilitator');
    const past = me.locator('#past');
    await past.locator('summary').first().click();
    const mine = await past.innerText();
    assert.ok(mine.includes(COMMENT), 'the author reads their own comment');
    assert.match(mine, /Only you can read this comment/);

    // The mentor: neither the answers nor the comment, nor the verdict built on them.
    await openRelationship(t, mentor, mentee.account.name);
    const theirs = await mentor.page.locator('main').innerText();
    for (const secret of [COMMENT, 'Mostly true', 'poor communication', 'The mentee answered']) {
      assert.ok(!theirs.includes(secret), `the mentor saw ${JSON.stringify(secret)}`);
    }
    assert.match(await mentor.page.locator('section.health .status').innerText(), /Thriving/);

    // The facilitator: the alert, the evidence, no comment.
    await t.goto(fp, '/program/health');
    await t.check(fp, 'health console after');
    const alerts = fp.locator('section', { has: fp.getByRole('heading', { name: 'Newly at risk' }) });
    const alert = alerts.getByRole('link', { name: new RegExp(mentee.account.name) });
    assert.equal(await alert.count(), 1, 'the pair is newly at risk');
    assert.match(await alerts.innerText(), /poor communication/);
    await t.follow(fp, () => alert.click());
    await t.check(fp, 'the pair, as the facilitator sees it');
    const detail = await fp.locator('main').innerText();
    assert.match(detail, /The mentee answered “Mostly true”/);
    assert.ok(!detail.includes(COMMENT), 'the private comment reached the facilitator');
    assert.match(detail, /1 comment kept private/);
    assert.match(detail, /reiterate-and-review recap/);

    await t.follow(fp, () => fp.getByRole('button', { name: 'Open a brokering case' }).click());
    await t.check(fp, 'the case');
    assert.match(await fp.locator('h1').innerText(), /Brokering case/);
    const choice = fp.getByLabel(/^Mentor \(best fit first/);
    const proposed = (await choice.locator('option').first().innerText()).split(':')[0];
    await t.follow(fp, () => fp.getByRole('button', { name: 'Propose as secondary mentor' }).click());
    await t.check(fp, 'secondary mentor proposed');
    assert.match(await fp.locator('p.notice').innerText(), /Proposed/);
    assert.match(await fp.locator('ul.log').innerText(), new RegExp(`Proposed ${proposed} as a secondary mentor`));
    t.step(`proposed ${proposed} as secondary mentor for ${mentee.account.name}`);

    // The mentee is asked to accept the secondary mentor.
    await t.goto(me, '/requests');
    await t.check(me, 'the mentee\'s news');
    assert.match(await me.locator('main').innerText(), /proposes .* as a secondary mentoring pair/);
  },
};

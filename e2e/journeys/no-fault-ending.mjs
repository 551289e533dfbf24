// The study's "no-fault divorce": a mentee ends a relationship without
// having to give a reason, adds a private one anyway, and is offered new
// mentors at once; the mentor sees only a neutral notice.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';
import { openRelationship, pairUp } from '../lib/pair.mjs';

const MENTEE = 'mentee@northshore';
const MENTOR = 'mentor@northshore';
const NOTE = 'Our schedules never matched and I felt I was a burden.';

export default {
  name: 'no-fault ending: a private reason, a neutral notice, new suggestions',
  async run(t) {
    const mentee = await signedIn(t, MENTEE);
    const mentor = await signedIn(t, MENTOR);
    await pairUp(t, mentee, mentor, 'Could you mentor me on teaching?');
    const me = mentee.page;

    await openRelationship(t, mentee, mentor.account.name);
    await t.follow(me, () => me.getByRole('link', { name: /end it at any time/ }).click());
    await t.check(me, 'ending form');
    assert.match(await me.locator('main').innerText(), /You do not need to give a reason/);
    await me.getByLabel('Poor communication').check();
    await me.getByLabel('Lack of commitment').check();
    await me.getByLabel(/A note for yourself/).fill(NOTE);
    await me.getByLabel('Do not suggest or match us again').check();
    await t.follow(me, () => me.getByRole('button', { name: 'End the relationship' }).click());
    await t.check(me, 'ended, as the mentee sees it');
    const mine = await me.locator('main').innerText();
    assert.match(mine, /Your private reason/);
    assert.match(mine, /Only you can see this/);
    assert.ok(mine.includes(NOTE));
    assert.ok((await me.locator('h2', { hasText: 'Your next mentor' }).count()) === 1);
    const next = me.locator('ul.cards li.card h3 a');
    assert.ok((await next.count()) >= 1, 'new mentors are suggested at once');
    assert.doesNotMatch(await next.allInnerTexts().then((n) => n.join('|')), new RegExp(mentor.account.name), 'not the same mentor again');

    // The mentor: a neutral notice, and nothing of the reason.
    const mp = mentor.page;
    await t.goto(mp, '/requests');
    await t.check(mp, 'the mentor\'s news');
    const news = await mp.locator('ul.news').innerText();
    assert.match(news, new RegExp(`relationship with ${mentee.account.name} has ended`));
    assert.match(news, /no-fault/);
    await t.goto(mp, '/relationships');
    await t.check(mp, 'the mentor\'s relationships');
    const earlier = mp.locator('section', { hasText: 'Earlier' }).getByRole('link', { name: mentee.account.name });
    await t.follow(mp, () => earlier.click());
    await t.check(mp, 'ended, as the mentor sees it');
    const theirs = await mp.locator('main').innerText();
    assert.match(theirs, /no-fault/);
    for (const secret of [NOTE, 'Poor communication', 'Lack of commitment', 'private reason']) {
      assert.ok(!theirs.includes(secret), `the mentor saw ${JSON.stringify(secret)}`);
    }
  },
};

// A new pair's first weeks, as the study's tactics shape them: both sign
// the agreement; the mentee schedules and prepares the first meeting; the
// mentor ticks the checklist and keeps notes; the mentee writes the recap
// and the mentor confirms it; an action item agreed there opens the next
// meeting until it is done.

import assert from 'node:assert/strict';

import { signedIn } from '../lib/auth.mjs';
import { openRelationship, pairUp } from '../lib/pair.mjs';

const MENTEE = 'mentee@northshore';
const MENTOR = 'mentor@northshore';

export default {
  name: 'first meeting: sign the agreement, prepare, hold, recap, carry an action item',
  async run(t) {
    const mentee = await signedIn(t, MENTEE);
    const mentor = await signedIn(t, MENTOR);
    await pairUp(t, mentee, mentor, 'Could we meet monthly about my first R01?');
    const me = mentee.page;

    // The agreement: written by the mentee, signed by both.
    await openRelationship(t, mentee, mentor.account.name);
    assert.match(await me.locator('main').innerText(), /Not written yet/);
    await t.follow(me, () => me.getByRole('link', { name: /write or sign the agreement/ }).click());
    await t.check(me, 'agreement, blank');
    await me.getByLabel('Goals for the relationship').fill('Submit a first R01 within two years.');
    await me.getByLabel('How often we meet').selectOption('monthly');
    await t.follow(me, () => me.getByRole('button', { name: 'Save as a new version' }).click());
    await t.check(me, 'agreement, version 1');
    await t.follow(me, () => me.getByRole('button', { name: 'Sign version 1' }).click());
    await t.check(me, 'agreement signed by the mentee');
    assert.match(await me.locator('main').innerText(), /You signed on/);

    await openRelationship(t, mentor, mentee.account.name);
    await t.follow(mentor.page, () => mentor.page.getByRole('link', { name: /write or sign the agreement/ }).click());
    await t.check(mentor.page, 'agreement, mentor');
    await t.follow(mentor.page, () => mentor.page.getByRole('button', { name: 'Sign version 1' }).click());
    await t.check(mentor.page, 'agreement in force');
    assert.match(await mentor.page.locator('.badge').first().innerText(), /In force/);

    // The mentee schedules the first meeting and prepares the agenda.
    await openRelationship(t, mentee, mentor.account.name);
    await me.getByLabel('Where').fill('Room 4, research building');
    await t.follow(me, () => me.getByRole('button', { name: 'Schedule' }).click());
    await t.check(me, 'first meeting');
    assert.match(await me.getByRole('heading', { level: 1 }).innerText(), /^First meeting with/);
    await me.getByLabel('Topics to raise').fill('Specific aims; whether to apply for the K award first.');
    await me.getByLabel('Project timelines').fill('Pilot data by March; R01 in June.');
    await t.follow(me, () => me.getByRole('button', { name: 'Save the agenda' }).click());
    await t.check(me, 'agenda saved');
    const meetingPath = new URL(me.url()).pathname;

    // The mentor walks the checklist and keeps notes.
    const mp = mentor.page;
    await t.goto(mp, meetingPath);
    await t.check(mp, 'first meeting, mentor');
    assert.match(await mp.locator('main').innerText(), /whether to apply for the K award/);
    for (const item of ['Introductions', 'Availability', 'Contact details', 'List of goals']) {
      await mp.getByLabel(item).check();
    }
    await mp.getByLabel('Personal, work/life balance included').fill('Keeps Tuesday evenings free.');
    await t.follow(mp, () => mp.getByRole('button', { name: 'Save notes' }).click());
    await t.check(mp, 'notes saved');

    // Reiterate and review: the mentee writes the recap, the mentor confirms.
    await t.goto(me, meetingPath);
    await t.check(me, 'meeting, mentee, for the recap');
    await me.getByLabel('What we agreed').fill('Tighten aim 2; ask the biostatistician early.');
    await t.follow(me, () => me.getByRole('button', { name: 'Save the recap' }).click());
    await t.check(me, 'recap written');
    await t.goto(mp, meetingPath);
    await t.check(mp, 'meeting, mentor, to confirm');
    await t.follow(mp, () => mp.getByRole('button', { name: 'Confirm the recap' }).click());
    await t.check(mp, 'recap confirmed');
    assert.match(await mp.locator('main').innerText(), /Confirmed by the mentor/);
    // An action item for the mentee, due in three weeks.
    await mp.getByLabel('What is to be done').fill('Send the revised specific aims');
    await mp.getByLabel('Who').selectOption('mentee');
    const due = new Date(Date.now() + 21 * 86400e3).toISOString().slice(0, 10);
    await mp.getByLabel('Due').fill(due);
    await t.follow(mp, () => mp.getByRole('button', { name: 'Add' }).click());
    await t.check(mp, 'action item added');

    // The next meeting opens with the recap and the open item.
    await openRelationship(t, mentee, mentor.account.name);
    assert.match(await me.locator('main').innerText(), /Send the revised specific aims/);
    await t.follow(me, () => me.getByRole('button', { name: 'Schedule' }).click());
    await t.check(me, 'second meeting');
    const main = await me.locator('main').innerText();
    assert.doesNotMatch(await me.getByRole('heading', { level: 1 }).innerText(), /^First/);
    assert.match(main, /Tighten aim 2; ask the biostatistician early/);
    assert.match(main, /Send the revised specific aims/);
    await t.follow(me, () => me.getByRole('button', { name: /^Done/ }).first().click());
    await t.check(me, 'action item done');
    assert.match(await me.locator('main').innerText(), /None open/);
  },
};

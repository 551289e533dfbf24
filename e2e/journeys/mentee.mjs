// A mentee signs in, browses the directory (rank filter, search, next page),
// opens a colleague's profile, then their own, edits it, sees the new values,
// and signs out; the session is then dead, not just forgotten by the browser.

import assert from 'node:assert/strict';

import { navLinks, signedIn } from '../lib/auth.mjs';

const MENTEE = 'mentee@northshore';
const RANK = { value: 'assistant_professor', label: 'Assistant professor' };
// Matches an interest ("memory clinic", "HIV clinic", ...) of well over one
// page of the demo's assistant professors, so there is a next page.
const SEARCH = 'clinic';
const NEW_RESEARCH = ['cardio-oncology', 'wearable heart monitors'];

/** "Showing 51–100 of 129" -> { first: 51, last: 100, total: 129 }. */
async function count(page) {
  const text = (await page.locator('p.count').innerText()).trim();
  const m = text.match(/^Showing (\d+)\D+(\d+) of (\d+)$/);
  assert.ok(m, `expected "Showing A–B of N", got ${JSON.stringify(text)}`);
  return { first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) };
}

const columnValues = (page, label) => page.locator(`table.people td[data-label="${label}"]`).allInnerTexts();

/** The profile's <dd> for a <dt> label, as text; null when there is no such entry. */
async function entry(page, term) {
  const dd = page.locator(`dt:text-is("${term}") + dd`);
  return (await dd.count()) === 0 ? null : (await dd.innerText()).trim();
}

export default {
  name: 'mentee: sign in, browse the directory, edit own profile, sign out',
  async run(t) {
    const { page, account } = await signedIn(t, MENTEE);
    assert.ok(account.name, `the demo printed no person for ${MENTEE}: ${account.description}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Welcome, ${account.name}`);
    assert.match(await page.locator('header.site').innerText(), new RegExp(MENTEE));
    assert.deepEqual(await navLinks(page), ['Home', 'Directory', 'Find a mentor', 'Relationships', 'Requests', 'My profile', 'Settings']);
    assert.ok(await page.getByRole('heading', { level: 2, name: 'Mentee' }).isVisible(), 'a Mentee card');

    // The directory, from the main navigation.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await t.follow(page, () => nav.getByRole('link', { name: 'Directory' }).click());
    await t.check(page, 'directory');
    assert.match(new URL(page.url()).pathname, /^\/i\/northshore\/people$/);
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
    const searched = await count(page);
    assert.ok(searched.total < ranked.total, `search: ${searched.total} of ${ranked.total}`);
    assert.ok(searched.total > searched.last, `search for ${SEARCH} fits one page (${searched.total}); pick a broader term`);

    await t.follow(page, () => page.getByRole('link', { name: /Next/ }).click());
    await t.check(page, 'next page');
    const second = new URL(page.url()).searchParams;
    assert.equal(second.get('page'), '2');
    assert.equal(second.get('q'), SEARCH, 'paging keeps the search');
    assert.equal(second.get('rank'), RANK.value, 'paging keeps the rank filter');
    const next = await count(page);
    assert.equal(next.first, searched.last + 1);
    assert.equal(next.total, searched.total);

    // A colleague's profile: the directory view, without HR identifiers.
    const row = page.locator('table.people td[data-label="Name"] a').first();
    const listed = await row.innerText(); // "Family, Given"
    await t.follow(page, () => row.click());
    await t.check(page, 'colleague profile');
    const name = await page.getByRole('heading', { level: 1 }).innerText();
    for (const part of listed.split(',').map((s) => s.trim())) {
      assert.ok(name.includes(part), `profile heading ${JSON.stringify(name)} lacks ${JSON.stringify(part)}`);
    }
    assert.match(await page.locator('p.lead').innerText(), new RegExp(RANK.label));
    assert.equal(await entry(page, 'Employee ID'), null, "a mentee sees no colleague's employee ID");
    assert.equal(await entry(page, 'Resources from'), null, "a mentee does not see who controls a colleague's resources");
    assert.equal(await page.getByRole('link', { name: 'Edit your profile' }).count(), 0, "no edit button on someone else's profile");

    // Their own profile, from the main navigation.
    await t.follow(page, () => nav.getByRole('link', { name: 'My profile' }).click());
    await t.check(page, 'my profile');
    const profileUrl = page.url();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), account.name);
    assert.notEqual(await entry(page, 'Employee ID'), null, 'one sees one’s own employee ID');

    await t.follow(page, () => page.getByRole('link', { name: 'Edit your profile' }).click());
    await t.check(page, 'edit profile');
    assert.equal(new URL(page.url()).pathname, '/profile/edit');
    await page.getByLabel('Research interests').fill(NEW_RESEARCH.join('; '));
    // A working style that differs from the stored one, and a channel not yet ticked.
    const pace = page.getByLabel('How you think a problem through');
    const paceNow = await pace.inputValue();
    const choices = await page.locator('#pace option').evaluateAll((os) =>
      os.map((o) => ({ value: o.value, label: o.textContent.trim() })),
    );
    const newPace = choices.find((c) => c.value !== '' && c.value !== paceNow);
    assert.ok(newPace, `no other working style than ${paceNow} to pick`);
    await pace.selectOption(newPace.value);
    const channels = page.getByRole('group', { name: /reached/ }).getByRole('checkbox');
    let ticked = null;
    for (const box of await channels.all()) {
      if (!(await box.isChecked())) {
        await box.check();
        ticked = (await box.evaluate((e) => e.closest('label').textContent)).trim();
        break;
      }
    }
    assert.ok(ticked, 'every contact channel was already ticked');
    t.step(`editing: research "${NEW_RESEARCH.join('; ')}", pace ${newPace.value}, channel ${ticked}`);

    await t.follow(page, () => page.getByRole('button', { name: 'Save profile' }).click());
    await t.check(page, 'profile after saving');
    assert.equal(page.url(), `${profileUrl}?saved=1`, 'saving returns to the profile');
    assert.ok(await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).isVisible(), 'saving is confirmed');
    const research = await page.locator('dt:text-is("Research") + dd .tag').allInnerTexts();
    assert.deepEqual(research.map((s) => s.trim()), NEW_RESEARCH);
    const style = await entry(page, 'Working style');
    const paceShown = newPace.label.split(':')[0].trim();
    assert.ok(style?.includes(paceShown), `working style ${JSON.stringify(style)} lacks ${JSON.stringify(paceShown)}`);
    const prefers = await entry(page, 'Prefers');
    assert.ok(prefers?.includes(ticked), `"Prefers" ${JSON.stringify(prefers)} lacks ${JSON.stringify(ticked)}`);

    // Sign out: back at the sign-in page, and the old session cookie is dead.
    const session = await page.context().storageState();
    await t.follow(page, () => page.getByRole('button', { name: 'Sign out' }).click());
    await t.check(page, 'signed out');
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await t.goto(page, '/');
    await t.check(page, 'home after signing out');
    assert.equal(new URL(page.url()).pathname, '/sign-in', `/ after signing out led to ${page.url()}`);

    const replay = await t.newPage({ storageState: session });
    await t.goto(replay, '/');
    await t.check(replay, 'home with the old session cookie');
    assert.equal(new URL(replay.url()).pathname, '/sign-in', 'the session still works after signing out');
  },
};

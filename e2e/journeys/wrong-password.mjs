// A wrong password and an unknown username get the same answer: status 401
// and the same page, so the form does not reveal which accounts exist.

import assert from 'node:assert/strict';

import { account, submitSignIn } from '../lib/auth.mjs';

const MESSAGE = 'The username or password is not right.';

/** What a reader of the page sees: the text of <main> and the title. */
const visible = async (page) => ({
  title: await page.title(),
  main: (await page.locator('main').innerText()).trim(),
});

export default {
  name: 'sign-in: a wrong password and an unknown username get the same 401 page',
  async run(t) {
    const known = account(t, 'mentee@northshore');
    const page = await t.newPage();
    await t.goto(page, '/sign-in');
    await t.check(page, 'sign-in');

    const wrong = await submitSignIn(t, page, known.username, `${known.password}-not`);
    assert.equal(wrong.status(), 401);
    await t.check(page, 'wrong password', { status: 401 });
    assert.equal((await page.getByRole('alert').innerText()).trim(), MESSAGE);
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is not sent back');
    const afterWrong = await visible(page);

    const unknown = await submitSignIn(t, page, 'nobody@northshore', known.password);
    assert.equal(unknown.status(), 401);
    await t.check(page, 'unknown username', { status: 401 });
    assert.deepEqual(await visible(page), afterWrong, 'the two failures read differently');
    t.step(`both answered 401 with ${JSON.stringify(MESSAGE)}`);
  },
};

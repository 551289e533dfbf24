// Keyboard only: the sign-in form is reached, filled and submitted without a
// mouse; then, on the signed-in home page, the first Tab reaches the skip
// link, which is visible when focused and moves focus to the main content.

import assert from 'node:assert/strict';

import { account, countAttempt } from '../lib/auth.mjs';

const USER = 'mentor@northshore';

const describe = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const main = document.querySelector('main');
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} "${(e.innerText || e.value || '').replace(/\s+/g, ' ').trim().slice(0, 40)}"${main?.contains(e) ? ' (in main)' : ''}`;
  });

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Presses Tab until the element with `id` has focus (at most `max` times). */
async function tabTo(page, id, max = 6) {
  for (let i = 0; i <= max; i++) {
    if ((await focusedId(page)) === id) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${max} Tabs never reached #${id}; focus is on ${await describe(page)}`);
}

export default {
  name: 'keyboard: sign in without a mouse; the skip link comes first and moves focus to main',
  async run(t) {
    const who = account(t, USER);
    const page = await t.newPage();
    await t.goto(page, '/');
    await t.check(page, 'sign-in');
    assert.equal(new URL(page.url()).pathname, '/sign-in');

    const tabs = await tabTo(page, 'username');
    t.step(`username field focused after ${tabs} Tab${tabs === 1 ? '' : 's'}`);
    await page.keyboard.type(USER);
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'password', `Tab from the username focused ${await describe(page)}`);
    await page.keyboard.type(who.password);
    await page.keyboard.press('Tab');
    assert.ok(
      await page.getByRole('button', { name: 'Sign in' }).evaluate((e) => e === document.activeElement),
      `Tab from the password focused ${await describe(page)}, not the Sign in button`,
    );
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedId(page), 'password', 'Shift+Tab goes back to the password');
    countAttempt(t);
    await t.follow(page, () => page.keyboard.press('Enter'));
    await t.check(page, 'home, signed in by keyboard');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /^Welcome, /);

    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    assert.ok(
      await skip.evaluate((e) => e === document.activeElement),
      `the first Tab focused ${await describe(page)}, not the skip link`,
    );
    const box = await skip.boundingBox();
    const viewport = page.viewportSize();
    assert.ok(
      box && box.width > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width,
      `the focused skip link is not on screen: ${JSON.stringify(box)}`,
    );
    await t.check(page, 'skip link focused');

    await page.keyboard.press('Enter');
    await page.waitForURL(/#main$/);
    const focused = await page.evaluate(() => {
      const main = document.querySelector('main');
      return document.activeElement === main || main.contains(document.activeElement);
    });
    if (!focused) {
      // Without tabindex="-1" on <main> focus itself stays put, but browsers
      // move the sequential focus starting point: the next Tab must land in main.
      await page.keyboard.press('Tab');
      const inMain = await page.evaluate(() => document.querySelector('main').contains(document.activeElement));
      assert.ok(inMain, `after the skip link, Tab focused ${await describe(page)}, outside main`);
      t.step(`focus after skip link + Tab: ${await describe(page)}`);
    } else {
      t.step(`focus after skip link: ${await describe(page)}`);
    }
    await t.check(page, 'after skip link');
  },
};

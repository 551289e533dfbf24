// Keyboard: the first Tab on the directory reaches the skip link, which is
// visible when focused and moves focus to the main content.

import assert from 'node:assert/strict';

const describe = (page) =>
  page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    const main = document.querySelector('main');
    return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''} "${(e.innerText || '').trim().slice(0, 40)}"${main.contains(e) ? ' (in main)' : ''}`;
  });

export default {
  name: 'keyboard: the skip link comes first and moves focus to main',
  async run(t) {
    const page = await t.newPage();
    await t.goto(page, '/i/northshore/people');
    await t.check(page, 'directory');

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

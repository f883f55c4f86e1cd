'use strict';
/* global RED, $ */
// The Node-RED editor in a Chromium page: opening it, and the steps the editor tests take in it
// (show a tab, open a node's edit dialog, Done, Cancel, a clean browser console).
require('should');
const { recordProblems } = require('./browser');

/**
 * Opens the editor of the Node-RED at `url` in a new 1440 × 900 page of `browser`, recording its
 * console problems; resolves with { page, problems } once the palette is filled in.
 */
async function openEditorPage(browser, url, { defaultTimeout } = {}) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  if (defaultTimeout) page.setDefaultTimeout(defaultTimeout);
  const problems = recordProblems(page);
  await page.goto(url + '/');
  await page.waitForFunction(
    () =>
      window.RED &&
      RED.workspaces &&
      RED.workspaces.active() &&
      document.querySelectorAll('#red-ui-palette .red-ui-palette-node').length > 0,
    null,
    { timeout: 20000 },
  );
  return { page, problems };
}

/**
 * Steps on an editor page that a `before` hook opens later: `current()` returns { page, problems }
 * as they are when a step runs.
 */
function editorSteps(current) {
  const nodeRect = (id) => `g.red-ui-flow-node-group[id="${id}"] rect.red-ui-flow-node`;
  const noTray = () => current().page.waitForFunction(() => document.querySelectorAll('.red-ui-tray').length === 0);

  async function showTab(id) {
    const { page } = current();
    await page.evaluate((tab) => RED.workspaces.show(tab), id);
    await page.waitForFunction((tab) => RED.workspaces.active() === tab, id);
  }

  /** Opens the edit dialog of node `id` by double-clicking it; resolves once its form is there. */
  async function openEditor(id) {
    const { page } = current();
    await page.locator(nodeRect(id)).dblclick();
    await page.locator('.red-ui-tray:last-of-type #node-dialog-ok').waitFor({ state: 'visible' });
    // The tray slides in; wait for it to come to rest so screenshots are sharp.
    await page.waitForFunction(() => !$('.red-ui-tray').is(':animated'));
  }

  async function pressDone() {
    await current().page.locator('#node-dialog-ok').click();
    await noTray();
  }

  async function pressCancel() {
    await current().page.locator('#node-dialog-cancel').click();
    await noTray();
  }

  /** Every console problem since the last call fails the test that caused it. */
  function expectCleanConsole() {
    const found = current().problems.splice(0);
    found.should.eql([], 'errors or warnings in the browser console');
  }

  return { showTab, openEditor, pressDone, pressCancel, expectCleanConsole };
}

module.exports = { openEditorPage, editorSteps };

'use strict';
/* global RED, $ */
// End to end in the editor: headless Chromium on a real Node-RED with this pack and every
// example deployed. The palette offers the nodes, every edit dialog opens and saves without
// an error (including exceptions the editor catches and only logs), the connection config
// dialog opens from the pencil button, new nodes dragged from the palette deploy, and the
// screenshots in docs/ are taken from this run.
const fs = require('node:fs');
const path = require('node:path');
require('should');
const { startStack, printLogsOnFailure } = require('./helpers/stack');
const { skipWithoutChromium, launch, docsScreenshot } = require('./helpers/browser');
const { openEditorPage, editorSteps } = require('./helpers/editor');
const { loadExamples, mergeExamples } = require('../../scripts/demo/examples');
const { REPO_ROOT, PACKAGE } = require('../../scripts/demo/node-red-runner');

const PALETTE_TYPES = ['routeros-command', 'routeros-listen', 'routeros-cancel', 'routeros-ensure'];
const OUR_TYPES = ['routeros-connection', 'routeros-fleet', ...PALETTE_TYPES];
const CONNECTION_ID = 'routeros-sim-connection';

describe('e2e: the editor in headless Chromium', function () {
  this.timeout(45000);
  const examples = loadExamples();
  const tabOf = (number) => examples.find((e) => e.file.startsWith(number)).tabId;
  let stack;
  let browser;
  let page;
  let problems;

  before(async function () {
    skipWithoutChromium(this);
    stack = await startStack({ flows: mergeExamples(examples) });
    browser = await launch();
    ({ page, problems } = await openEditorPage(browser, stack.nr.url, { defaultTimeout: 8000 }));
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  afterEach(async function () {
    printLogsOnFailure(this.currentTest, stack);
    if (this.currentTest.state === 'failed' && page) {
      if (problems.length) console.log(`--- browser console problems ---\n${problems.splice(0).join('\n')}`);
      // What the page looked like (test-results/ is git-ignored).
      const shot = path.join(
        REPO_ROOT,
        'test-results',
        `editor-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`,
      );
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot });
      console.log(`--- screenshot: ${path.relative(REPO_ROOT, shot)}`);
      // Leave no dialog open for the next test.
      await page.evaluate(() => {
        for (let i = 0; i < 4 && document.querySelector('.red-ui-tray'); i++)
          RED.actions.invoke('core:cancel-edit-tray');
      });
    }
    // Any console error or warning, or page error, fails the run, also after a test that does
    // not check the console itself.
    if (this.currentTest.state === 'passed') expectCleanConsole();
  });

  const { showTab, openEditor, pressDone, pressCancel, expectCleanConsole } = editorSteps(() => ({ page, problems }));

  it('shows the RouterOS nodes in the palette, under RouterOS with their icons (the config node is not there)', async function () {
    const entries = await page.evaluate((types) => {
      return types.map((type) => {
        const el = document.querySelector(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
        if (!el) return { type };
        const category = el.closest('.red-ui-palette-category');
        return {
          type,
          label: el.textContent.trim(),
          category: category && category.querySelector('.red-ui-palette-header').textContent.trim(),
          icon: el.querySelector('.red-ui-palette-icon').style.backgroundImage,
        };
      });
    }, OUR_TYPES);
    for (const entry of entries.slice(2)) {
      entry.should.have.properties({ label: entry.type.replace('routeros-', ''), category: 'RouterOS' });
      entry.icon.should.containEql(`icons/${PACKAGE.name}/${entry.type}.svg`);
    }
    entries[0].should.eql({ type: 'routeros-connection' }, 'a config node is not in the palette');
    entries[1].should.eql({ type: 'routeros-fleet' }, 'a config node is not in the palette');
    expectCleanConsole();
  });

  it('loads every example valid: no node flagged, nothing to deploy', async function () {
    const state = await page.evaluate((types) => {
      const out = { invalid: [], counts: {}, dirty: RED.nodes.dirty() };
      const visit = (n) => {
        if (types.includes(n.type)) out.counts[n.type] = (out.counts[n.type] || 0) + 1;
        if (n.valid === false) out.invalid.push(`${n.id} (${n.type}): ${JSON.stringify(n.validationErrors || [])}`);
      };
      RED.nodes.eachNode(visit);
      RED.nodes.eachConfig(visit);
      return out;
    }, OUR_TYPES);
    state.invalid.should.eql([]);
    state.dirty.should.be.false();
    // As many of each of our nodes as the example files hold (config nodes shared: once).
    const inFiles = {};
    for (const node of mergeExamples(examples)) {
      if (OUR_TYPES.includes(node.type)) inFiles[node.type] = (inFiles[node.type] || 0) + 1;
    }
    state.counts.should.eql(inFiles);
    state.counts.should.have.properties({ 'routeros-connection': 1 });
    state.counts['routeros-listen'].should.be.aboveOrEqual(2);
    state.counts['routeros-command'].should.be.aboveOrEqual(10);
    expectCleanConsole();
  });

  it('opens and saves the command node dialog; the connection dialog opens from the pencil', async function () {
    await showTab(tabOf('03'));
    await openEditor('rosex03-set');
    (await page.inputValue('#node-input-command')).should.equal('/interface/set');
    (await page.inputValue('#node-input-mode')).should.equal('oneshot');
    (await page.locator('#routeros-command-attributes .routeros-command-attr-name').count()).should.equal(2);
    (await page.inputValue('select#node-input-connection')).should.equal(CONNECTION_ID);
    await docsScreenshot(page, 'edit-dialog.png');
    await pressDone();
    (await page.evaluate(() => RED.nodes.dirty())).should.be.false('Done without edits changes nothing');

    await openEditor('rosex03-set');
    const properties = () =>
      page.evaluate((id) => {
        const n = RED.nodes.node(id);
        return Object.keys(n._def.defaults).reduce((o, k) => ({ ...o, [k]: n[k] }), {});
      }, CONNECTION_ID);
    const before = await properties();
    await page.locator('#node-input-btn-connection-edit').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    (await page.inputValue('#node-config-input-host')).should.equal('${ROUTEROS_HOST}');
    (await page.inputValue('#node-config-input-port')).should.equal('${ROUTEROS_PORT}');
    (await page.inputValue('#node-config-input-username')).should.equal('${ROUTEROS_USER}');
    (await page.isChecked('#node-config-input-useTls')).should.be.false();
    (await page.locator('.routeros-connection-tls-row').first().isVisible()).should.be.false();
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    await pressDone();
    // Update keeps every property. (Node-RED itself marks the node changed here: a password
    // field left empty on a node whose flows file has no credentials entry counts as an edit.)
    (await properties()).should.eql(before);
    await page.evaluate(() => RED.actions.invoke('core:undo'));
    (await page.evaluate(() => RED.nodes.dirty())).should.be.false();
    expectCleanConsole();
  });

  it('opens and saves the listen and cancel node dialogs', async function () {
    await openEditor('rosex03-listen');
    (await page.inputValue('#node-input-command')).should.equal('/interface/listen');
    (await page.inputValue('#node-input-tag')).should.equal('interface-watch');
    (await page.isChecked('#node-input-autoStart')).should.be.true();
    (await page.inputValue('#routeros-listen-preset')).should.equal('interfaceChanges');
    await pressDone();

    await openEditor('rosex03-cancel');
    (await page.inputValue('#node-input-tag')).should.equal('interface-watch');
    await pressDone();
    (await page.evaluate(() => RED.nodes.dirty())).should.be.false();
    expectCleanConsole();
  });

  it('keeps the attribute and query lists in their boxes, so their add buttons stay usable', async function () {
    // Every list with at least one item: its items inside its box, the box above its add button.
    async function layoutOf(list) {
      return page.evaluate((sel) => {
        const ol = document.querySelector(sel);
        const box = ol.closest('.red-ui-editableList-container').getBoundingClientRect();
        const add = ol
          .closest('.red-ui-editableList')
          .querySelector('.red-ui-editableList-addButton')
          .getBoundingClientRect();
        const last = ol.lastElementChild.getBoundingClientRect();
        return { items: ol.children.length, lastItemBottom: last.bottom, boxBottom: box.bottom, addButtonTop: add.top };
      }, list);
    }
    const overlaps = [];
    const check = async (where, list) => {
      // The editable list fills its rows as the dialog builds; wait for them.
      await page.waitForFunction((sel) => {
        const ol = document.querySelector(sel);
        return ol && ol.children.length > 0;
      }, list);
      const l = await layoutOf(list);
      if (l.lastItemBottom > l.boxBottom + 1 || l.boxBottom > l.addButtonTop + 1) {
        overlaps.push(
          `${where} ${list}: ${l.items} item(s) end at y=${l.lastItemBottom}, the box at ${l.boxBottom}, its add button starts at ${l.addButtonTop}`,
        );
      }
    };
    await showTab(tabOf('03'));
    await openEditor('rosex03-set'); // two attributes
    await check('command node', '#routeros-command-attributes');
    await page.locator('.red-ui-editableList:has(#routeros-command-queries) .red-ui-editableList-addButton').click();
    await check('command node', '#routeros-command-queries');
    await pressCancel();

    await openEditor('rosex03-listen'); // no attributes or queries yet: add one of each
    for (const list of ['#routeros-listen-attributes', '#routeros-listen-queries']) {
      await page.locator(`.red-ui-editableList:has(${list}) .red-ui-editableList-addButton`).click();
      await check('listen node', list);
    }
    await pressCancel();
    overlaps.should.eql([], 'list items overlap the controls below them');
    (await page.evaluate(() => RED.nodes.dirty())).should.be.false();
    expectCleanConsole();
  });

  it('edits a command node through its form: preset, query and mode survive Done', async function () {
    await showTab(tabOf('02'));
    await openEditor('rosex02-print-array');
    await page.selectOption('#routeros-command-preset', 'identity');
    (await page.inputValue('#node-input-command')).should.equal('/system/identity/print');
    (await page.inputValue('#node-input-mode')).should.equal('oneshot');
    (await page.locator('#routeros-command-split-row').isVisible()).should.be.false('split only applies to arrays');
    await page.selectOption('#routeros-command-preset', 'activeUsers');
    (await page.inputValue('#node-input-mode')).should.equal('array');
    (await page.locator('#routeros-command-split-row').isVisible()).should.be.true();
    await page.locator('.red-ui-editableList:has(#routeros-command-queries) .red-ui-editableList-addButton').click();
    await page.locator('.routeros-command-query').last().fill('?name=admin');
    await page.fill('#node-input-proplist', ' name, address ');
    await pressDone();
    const saved = await page.evaluate(() => {
      const n = RED.nodes.node('rosex02-print-array');
      return {
        command: n.command,
        mode: n.mode,
        queries: n.queries,
        proplist: n.proplist,
        changed: n.changed,
        valid: n.valid,
      };
    });
    saved.should.eql({
      command: '/user/active/print',
      mode: 'array',
      queries: ['?name=admin'],
      proplist: 'name, address',
      changed: true,
      valid: true,
    });
    // Undo, so the workspace matches what is deployed again.
    await page.evaluate(() => RED.actions.invoke('core:undo'));
    (await page.evaluate(() => RED.nodes.node('rosex02-print-array').command)).should.equal('/interface/print');
    (await page.evaluate(() => RED.nodes.dirty())).should.be.false();
    expectCleanConsole();
  });

  it('drags new nodes from the palette, edits them, adds a connection with the plus button, deploys', async function () {
    const tab = await page.evaluate(() => RED.workspaces.add(null).id);
    await showTab(tab);
    const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
    const added = {};
    let y = 120;
    for (const type of PALETTE_TYPES) {
      const before = await page.evaluate((t) => RED.nodes.filterNodes({ type: t }).map((n) => n.id), type);
      const paletteEntry = page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
      await paletteEntry.scrollIntoViewIfNeeded();
      const entry = await paletteEntry.boundingBox();
      await page.mouse.move(entry.x + entry.width / 2, entry.y + entry.height / 2);
      await page.mouse.down();
      // A short first move starts jQuery UI's drag, then it follows the mouse onto the canvas.
      await page.mouse.move(entry.x + entry.width / 2 + 10, entry.y + entry.height / 2 + 5, { steps: 3 });
      await page.mouse.move(chart.x + 300, chart.y + y, { steps: 12 });
      await page.mouse.up();
      added[type] = await page.evaluate(
        ({ t, known }) => RED.nodes.filterNodes({ type: t }).find((n) => !known.includes(n.id)).id,
        { t: type, known: before },
      );
      y += 80;
    }

    // A new node starts with no connection (Node-RED 4 leaves the choice to the user); the
    // existing one is offered, and the plus button opens a fresh one with the defaults.
    await openEditor(added['routeros-command']);
    (await page.locator('select#node-input-connection option').allTextContents()).should.containEql(
      'RouterOS (env ROUTEROS_HOST)',
    );
    await page.selectOption('select#node-input-connection', CONNECTION_ID);
    await page.fill('#node-input-command', '/system/identity/print');
    await page.selectOption('#node-input-mode', 'oneshot');
    await page.locator('#node-input-btn-connection-add').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    (await page.inputValue('#node-config-input-host')).should.equal('127.0.0.1');
    (await page.inputValue('#node-config-input-port')).should.equal('8728');
    await page.locator('#node-config-input-useTls').check();
    (await page.inputValue('#node-config-input-port')).should.equal('8729');
    (await page.locator('.routeros-connection-tls-row').first().isVisible()).should.be.true();
    await page.locator('#node-config-dialog-cancel').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    (await page.inputValue('select#node-input-connection')).should.equal(CONNECTION_ID);
    await pressDone();

    for (const type of ['routeros-listen', 'routeros-cancel', 'routeros-ensure']) {
      await openEditor(added[type]);
      await page.selectOption('select#node-input-connection', CONNECTION_ID);
      if (type === 'routeros-listen') await page.locator('#node-input-autoStart').uncheck();
      else if (type === 'routeros-cancel') await page.fill('#node-input-tag', 'interface-watch');
      await pressDone();
    }
    const invalid = await page.evaluate(
      (ids) => ids.filter((id) => RED.nodes.node(id).valid === false),
      Object.values(added),
    );
    invalid.should.eql([]);

    await page.locator('#red-ui-header-button-deploy').click();
    await page.locator('.red-ui-notification', { hasText: 'Successfully deployed' }).waitFor();
    const deployed = JSON.parse(await stack.api.flowsText()).flows;
    const byId = (id) => deployed.find((n) => n.id === id);
    byId(added['routeros-command']).should.have.properties({
      command: '/system/identity/print',
      mode: 'oneshot',
      connection: CONNECTION_ID,
      z: tab,
    });
    byId(added['routeros-listen']).should.have.properties({ command: '/interface/listen', autoStart: false });
    byId(added['routeros-cancel']).should.have.properties({ tag: 'interface-watch' });
    // The ensure dialog's defaults: leave dynamic entries alone, keep unlisted ones, no dry run.
    byId(added['routeros-ensure']).should.have.properties({
      path: '/ip/firewall/address-list',
      keys: 'list,address',
      unlisted: 'keep',
      skipDynamic: true,
      dryRun: false,
      connection: CONNECTION_ID,
    });
    // The plus button's dialog was cancelled: still exactly one connection.
    deployed.filter((n) => n.type === 'routeros-connection').should.have.length(1);
    expectCleanConsole();
  });

  it('imports an example from Import → Examples, reusing the shared connection', async function () {
    await showTab(tabOf('05'));
    const count = () =>
      page.evaluate(() => {
        let connections = 0;
        let nodes = 0;
        RED.nodes.eachConfig((n) => (connections += n.type === 'routeros-connection' ? 1 : 0));
        RED.nodes.eachNode(() => nodes++);
        return { connections, nodes };
      });
    const before = await count();
    await page.evaluate(() => RED.actions.invoke('core:show-examples-import-dialog'));
    const dialog = page.locator('#red-ui-clipboard-dialog');
    await dialog.locator('.red-ui-treeList-label', { hasText: PACKAGE.name }).click();
    await dialog.locator('.red-ui-treeList-label', { hasText: '05 - Add and remove an IP address' }).click();
    await page.locator('#red-ui-clipboard-dialog-ok').click();
    // Its nodes are on the workspace already: Node-RED offers to import a copy.
    await page.locator('.red-ui-notification button', { hasText: 'Import copy' }).click();
    await page.mouse.click(700, 600); // drop the imported nodes
    const after = await count();
    after.nodes.should.equal(before.nodes + examples.find((e) => e.file.startsWith('05')).nodes.length - 1);
    after.connections.should.equal(1, 'the connection config node is shared, not copied');
    await page.evaluate(() => RED.actions.invoke('core:undo'));
    (await count()).should.eql(before);
    expectCleanConsole();
  });

  it('switches a command node to a fleet: the fleet dialog counts its routers, the node gets two outputs', async function () {
    await showTab(tabOf('01'));
    await openEditor('rosex01-identity');
    await page.selectOption('#node-input-targetType', 'fleet');
    (await page.locator('#routeros-command-connection-row').isVisible()).should.be.false();
    (await page.locator('#node-input-routers').isVisible()).should.be.true();
    await page.locator('#node-input-btn-fleet-add').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await page.fill('#node-config-input-routers', '# two test routers\ncore-1 127.0.0.1:18001\n127.0.0.1:18002\n');
    (await page.textContent('#routeros-fleet-count')).should.equal('2 routers');
    await page.fill('#node-config-input-password', 'fleet-password');
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    await page.fill('#node-input-routers', '*');
    await pressDone();
    const saved = await page.evaluate(() => {
      const n = RED.nodes.node('rosex01-identity');
      const fleet = RED.nodes.node(n.fleet);
      return {
        targetType: n.targetType,
        outputs: n.outputs,
        valid: n.valid,
        routers: n.routers,
        fleetType: fleet && fleet.type,
        fleetValid: fleet && fleet.valid,
      };
    });
    saved.should.eql({
      targetType: 'fleet',
      outputs: 2,
      valid: true,
      routers: '*',
      fleetType: 'routeros-fleet',
      fleetValid: true,
    });
    // Back as it was, for any test after this one.
    await page.evaluate(() => {
      while (RED.nodes.dirty()) RED.actions.invoke('core:undo');
    });
    (await page.evaluate(() => RED.nodes.node('rosex01-identity').targetType)).should.equal('connection');
    expectCleanConsole();
  });

  it('runs the examples from the editor: an inject button press shows up in the debug sidebar', async function () {
    await showTab(tabOf('03'));
    await page.evaluate(() => RED.sidebar.show('debug'));
    await page.locator('#red-ui-sidebar-debug-clear').click();
    // Only this tab's messages (the resource monitor on tab 06 writes every 5 s).
    await page.locator('#red-ui-sidebar-debug-filter').click();
    await page.locator('input[name="filter-type"][value="filterCurrent"]').click();
    await page.keyboard.press('Escape');
    // The sidebar learns the current tab from a refresh it delays by 200 ms, and a filter change
    // within those 200 ms cancels it (keeping the tab before): messages from this tab would stay
    // hidden. Refresh with this tab last, so nothing cancels it.
    await page.evaluate(() => RED.debug.refreshMessageList(RED.workspaces.active()));
    await page.waitForFunction(
      () =>
        RED.nodes.node('rosex03-listen').status &&
        /listening|events/.test(RED.nodes.node('rosex03-listen').status.text),
    );

    const since = stack.comms.mark();
    await page.locator('g.red-ui-flow-node-group[id="rosex03-inject-toggle"] .red-ui-flow-node-button').click();
    await stack.comms.nextDebug('rosex03-debug-events', { since });
    await page.locator('.red-ui-debug-msg:not(.hide)', { hasText: 'ether2' }).first().waitFor();
    await page.locator('g.red-ui-flow-node-group[id="rosex03-inject-toggle"] .red-ui-flow-node-button').click();
    await page.locator('.red-ui-debug-msg:not(.hide)').nth(1).waitFor();
    await page.waitForFunction(() => /^2 events$/.test(RED.nodes.node('rosex03-listen').status.text));

    // The picture for the README: no selection, no notifications, the RouterOS palette in view.
    await page.evaluate(() => {
      RED.view.select({ nodes: [] });
      // Hidden, not removed: a notification still fading out would then find no parent to
      // leave (a page error in Node-RED's own code).
      $('.red-ui-notification').css('visibility', 'hidden');
    });
    await page
      .locator('#red-ui-palette .red-ui-palette-node[data-palette-type="routeros-cancel"]')
      .scrollIntoViewIfNeeded();
    await page.mouse.move(5, 5);
    await docsScreenshot(page, 'examples-deployed.png');
    expectCleanConsole();
  });
});

'use strict';
/* global RED, $ */
// End to end for editor completion (issue 9): in headless Chromium on a real Node-RED with a
// simulator router, the command field of a command node's dialog offers what the router
// describes with /console/inspect (type /ip/add, see /ip/address, pick it, save); attribute
// names complete for the chosen command; the listen dialog offers listen. A second, browserless
// part starts Node-RED with adminAuth and checks that the endpoint answers only users who may
// read flows. The screenshot docs/completion.png is taken from this run.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require('should');
const { startStack, printLogsOnFailure, USER, RED_JS } = require('./helpers/stack');
const { skipWithoutChromium, launch, docsScreenshot } = require('./helpers/browser');
const { openEditorPage, editorSteps } = require('./helpers/editor');
const { startNodeRed } = require('../../scripts/demo/node-red-runner');
const { RouterOSSimulator } = require('../../dist/simulator');

const TAB = 'completion-tab';
const CONNECTION = 'completion-connection';

function flows() {
  return [
    { id: TAB, type: 'tab', label: 'Completion' },
    {
      id: CONNECTION,
      type: 'routeros-connection',
      name: 'simulator',
      host: '${ROUTEROS_HOST}',
      port: '${ROUTEROS_PORT}',
      username: '${ROUTEROS_USER}',
      useTls: false,
      tlsConfig: '',
      encoding: 'utf8',
      timeout: '10',
    },
    {
      id: 'completion-command',
      type: 'routeros-command',
      z: TAB,
      name: '',
      connection: CONNECTION,
      command: '',
      mode: 'array',
      split: false,
      attributes: [],
      queries: [],
      proplist: '',
      parseValues: false,
      x: 200,
      y: 100,
      wires: [[]],
    },
    {
      id: 'completion-listen',
      type: 'routeros-listen',
      z: TAB,
      name: '',
      connection: CONNECTION,
      command: '/interface/listen',
      attributes: [],
      queries: [],
      proplist: '',
      parseValues: false,
      tag: '',
      autoStart: false,
      x: 200,
      y: 180,
      wires: [[]],
    },
  ];
}

/** Polls the endpoint until the connection's router answers (the session connects after deploy). */
async function waitForRouterAnswers(url, headers = {}) {
  const started = Date.now();
  let last;
  while (Date.now() - started < 15000) {
    const res = await fetch(`${url}/routeros-api/inspect?connection=${CONNECTION}&path=/`, { headers });
    last = `${res.status} ${await res.text()}`;
    if (res.status === 200 && JSON.parse(last.slice(4)).source === 'router') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the router never answered the inspect endpoint; last answer: ${last}`);
}

describe('e2e: command and attribute completion in the edit dialogs', function () {
  this.timeout(60000);
  let stack;
  let browser;
  let page;
  let problems;

  before(async function () {
    skipWithoutChromium(this);
    stack = await startStack({ flows: flows() });
    await waitForRouterAnswers(stack.nr.url);
    browser = await launch();
    ({ page, problems } = await openEditorPage(browser, stack.nr.url));
    await showTab(TAB);
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  afterEach(function () {
    printLogsOnFailure(this.currentTest, stack);
    if (this.currentTest.state === 'failed' && problems && problems.length) {
      console.log(`--- browser console problems ---\n${problems.splice(0).join('\n')}`);
    }
    // Any console error or warning, or page error, fails the run, also after a test that does
    // not check the console itself.
    if (this.currentTest.state === 'passed') expectCleanConsole();
  });

  const { showTab, openEditor, pressDone, pressCancel, expectCleanConsole } = editorSteps(() => ({ page, problems }));
  const suggestions = '.red-ui-autoComplete-container';

  /** Types into a field key by key, as a user does (the completion listens to keyup). */
  async function typeInto(selector, text) {
    const field = page.locator(selector);
    await field.click();
    await field.fill('');
    await field.pressSequentially(text, { delay: 40 });
  }

  /** The texts of the offered suggestions, once the list shows one matching `expected`. */
  async function offered(expected) {
    const item = page.locator(`${suggestions} li a`, { hasText: expected }).first();
    await item.waitFor({ state: 'visible', timeout: 5000 });
    return page.locator(`${suggestions} li a .routeros-api-completion`).allTextContents();
  }

  async function pick(text) {
    await page
      .locator(`${suggestions} li a`)
      .filter({ has: page.locator('.routeros-api-completion', { hasText: new RegExp(`^${text}$`) }) })
      .click();
    await page.locator(suggestions).waitFor({ state: 'detached' });
  }

  it('offers /ip/address for /ip/add, from the router, and saves the pick', async function () {
    await openEditor('completion-command');
    await typeInto('#node-input-command', '/ip/add');
    const texts = await offered('/ip/address');
    texts.should.containEql('/ip/address');
    texts.forEach((t) => t.should.startWith('/ip/add'));
    (await page.locator('#node-input-command-hint').textContent()).should.equal('Suggestions come from the router.');

    const tray = await page.locator('.red-ui-tray:last-of-type').boundingBox();
    const list = await page.locator(suggestions).boundingBox();
    const top = Math.max(0, Math.min(tray.y, list.y) - 8);
    const bottom = Math.min(900, Math.max(list.y + list.height, tray.y + 420) + 16);
    const left = Math.max(0, Math.min(tray.x, list.x) - 8);
    const right = Math.min(1440, Math.max(tray.x + tray.width, list.x + list.width) + 8);
    await docsScreenshot(page, 'completion.png', {
      clip: { x: left, y: top, width: right - left, height: bottom - top },
    });

    await pick('/ip/address');
    (await page.inputValue('#node-input-command')).should.equal('/ip/address');
    await pressDone();
    (await page.evaluate(() => RED.nodes.node('completion-command').command)).should.equal('/ip/address');
    expectCleanConsole();
  });

  it('goes on to the command, then completes attribute names for it; deploys what was picked', async function () {
    await openEditor('completion-command');
    await page.locator('#node-input-command').click();
    await page.locator('#node-input-command').press('End');
    await page.locator('#node-input-command').pressSequentially('/a', { delay: 40 });
    (await offered('/ip/address/add')).should.containEql('/ip/address/add');
    await pick('/ip/address/add');

    await page.locator('.red-ui-editableList:has(#routeros-command-attributes) .red-ui-editableList-addButton').click();
    await typeInto('.routeros-command-attr-name >> nth=-1', 'int');
    (await offered('interface')).should.eql(['interface']);
    await pick('interface');
    (await page.inputValue('.routeros-command-attr-name >> nth=-1')).should.equal('interface');
    // the value field is a typedInput, which hides the input it was made from
    await page.evaluate(() => $('.routeros-command-attr-value').last().typedInput('value', 'ether1'));
    await pressDone();

    await page.locator('#red-ui-header-button-deploy').click();
    await page.locator('.red-ui-notification', { hasText: 'Successfully deployed' }).waitFor();
    const deployed = JSON.parse(await stack.api.flowsText()).flows.find((n) => n.id === 'completion-command');
    deployed.command.should.equal('/ip/address/add');
    deployed.attributes.should.eql([{ name: 'interface', value: 'ether1', type: 'str' }]);
    expectCleanConsole();
  });

  it('offers listen in the listen dialog, though the console tree does not list it', async function () {
    const asked = [];
    const onRequest = (request) => {
      if (request.url().includes('/routeros-api/inspect')) asked.push(request.url());
    };
    page.on('request', onRequest);
    await openEditor('completion-listen');
    asked.should.eql([], 'opening a dialog asks nothing; only typing does');
    await typeInto('#node-input-command', '/interface/li');
    (await offered('/interface/listen')).should.eql(['/interface/listen']);
    await page.locator('#node-input-command').press('Escape');
    await pressCancel();
    page.off('request', onRequest);
    asked.length.should.be.above(0);
    expectCleanConsole();
  });

  it('completes for a connection not deployed yet, from the bundled list, with a clean console', async function () {
    // A new flow: the dialog's connection is one just added with the plus button, which the
    // runtime does not know yet. The endpoint answers 200, so the browser logs no failed request.
    const answers = [];
    const onResponse = (response) => {
      if (response.url().includes('/routeros-api/inspect')) answers.push(response);
    };
    page.on('response', onResponse);
    await openEditor('completion-command');
    await page.locator('#node-input-btn-connection-add').click();
    await page.locator('#node-config-dialog-ok').click();
    await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
    const added = await page.inputValue('select#node-input-connection');
    added.should.not.equal(CONNECTION);

    await typeInto('#node-input-command', '/ip/add');
    (await offered('/ip/address')).should.containEql('/ip/address');
    (await page.locator('#node-input-command-hint').textContent()).should.match(/Deploy this router connection/);
    await page.locator('#node-input-command').press('Escape');
    await pressCancel();
    page.off('response', onResponse);
    expectCleanConsole();

    answers.length.should.be.above(0);
    for (const response of answers) {
      new URL(response.url()).searchParams.get('connection').should.equal(added);
      response.status().should.equal(200);
      (await response.json()).should.have.properties({ source: 'bundled', reason: 'not-deployed' });
    }
  });
});

describe('e2e: the completion endpoint with adminAuth on', function () {
  this.timeout(60000);
  let sim;
  let nr;
  let userDir;

  before(async function () {
    sim = new RouterOSSimulator({ host: '127.0.0.1', port: 0, username: USER });
    await sim.start();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'routeros-e2e-auth-'));
    nr = await startNodeRed({
      userDir,
      port: 0,
      redJs: RED_JS,
      flows: flows(),
      env: { ROUTEROS_HOST: '127.0.0.1', ROUTEROS_PORT: String(sim.port), ROUTEROS_USER: USER },
      settings: {
        adminAuth: {
          type: 'credentials',
          // Nobody logs in with these passwords: the tests use the API tokens below.
          users: [
            {
              username: 'reader',
              password: '$2b$08$notARealHashNotARealHashNotARealHashNotARealHa',
              permissions: 'read',
            },
            {
              username: 'viewer',
              password: '$2b$08$notARealHashNotARealHashNotARealHashNotARealHa',
              permissions: 'nodes.read',
            },
          ],
          tokens: [
            { token: 'reader-token', user: 'reader', scope: ['read'] },
            { token: 'viewer-token', user: 'viewer', scope: ['nodes.read'] },
          ],
          // The runner checks that Node-RED is up with GET /settings; nothing else is anonymous.
          default: { permissions: 'settings.read' },
        },
      },
    });
  });

  after(async function () {
    if (nr) await nr.stop();
    if (sim) await sim.stop();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  afterEach(function () {
    printLogsOnFailure(this.currentTest, { nr });
  });

  it('401 without a token and for a user who may not read flows; the router answers a reader', async function () {
    const url = `${nr.url}/routeros-api/inspect?connection=${CONNECTION}&path=/ip`;
    (await fetch(url)).status.should.equal(401);
    (await fetch(url, { headers: { Authorization: 'Bearer viewer-token' } })).status.should.equal(401);
    await waitForRouterAnswers(nr.url, { Authorization: 'Bearer reader-token' });
    const res = await fetch(url, { headers: { Authorization: 'Bearer reader-token' } });
    res.status.should.equal(200);
    const body = await res.json();
    body.should.have.properties({ source: 'router', path: '/ip' });
    body.items.should.containDeep([{ name: 'address', type: 'menu' }]);
  });
});

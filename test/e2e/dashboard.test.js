'use strict';
// End to end in a browser: example 11 (FlowFuse Dashboard 2.0, linked into the user dir as
// `npm start` does) deployed against the simulator, its page opened in headless Chromium. The
// chart gains points, the gauges show numbers, the table lists the simulator's interfaces and
// follows a toggle on the router, the change list records it, the page's switch cancels and
// restarts the traffic monitor; the fleet page lists the stack's fleet and shows a stopped router
// down; the browser console stays clean. Takes docs/dashboard.png.
const fs = require('node:fs');
const path = require('node:path');
require('should');
const { startStack, printLogsOnFailure } = require('./helpers/stack');
const { skipWithoutChromium, launch, recordProblems, docsScreenshot } = require('./helpers/browser');
const { loadExamples, exampleAsFlow } = require('../../scripts/demo/examples');
const { installedAddOns, REPO_ROOT } = require('../../scripts/demo/node-red-runner');

const DASHBOARD = '@flowfuse/node-red-dashboard';
const PAGE = '/dashboard/router';
const widget = (id) => `#nrdb-ui-widget-rosex11-${id}`;

describe('e2e: the live dashboard example in headless Chromium', function () {
  this.timeout(45000);
  let stack;
  let browser;
  let page;
  let problems;

  before(async function () {
    skipWithoutChromium(this);
    // A devDependency, so `npm ci` installs it; only an install without dev packages lacks it.
    if (!installedAddOns()[DASHBOARD]) {
      console.log(`    (skipped: ${DASHBOARD} is not installed; run npm ci)`);
      this.skip();
    }
    const example = loadExamples().find((e) => e.file.startsWith('11'));
    stack = await startStack({ flows: exampleAsFlow(example) });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    page.setDefaultTimeout(10000);
    problems = recordProblems(page);
    await page.goto(stack.nr.url + PAGE);
    await page.locator(widget('chart')).waitFor();
  });

  after(async function () {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  afterEach(async function () {
    printLogsOnFailure(this.currentTest, stack);
    if (this.currentTest.state === 'failed' && page) {
      const shot = path.join(REPO_ROOT, 'test-results', `dashboard-${this.currentTest.title.replace(/\W+/g, '-')}.png`);
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot });
      console.log(`--- screenshot: ${path.relative(REPO_ROOT, shot)}`);
    }
    problems.splice(0).should.eql([], 'errors or warnings in the browser console');
  });

  /** The rows of a dashboard table as arrays of cell texts. */
  function tableRows(id) {
    return page
      .locator(`${widget(id)} tbody tr`)
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent.trim())));
  }

  /** Waits until `check(rows)` holds for table `id`; resolves with those rows. */
  async function tableWhere(id, check, what) {
    const started = Date.now();
    let rows = [];
    while (Date.now() - started < 10000) {
      rows = await tableRows(id);
      if (check(rows)) return rows;
      await page.waitForTimeout(100);
    }
    throw new Error(`table ${id}: no ${what} within 10 s; rows: ${JSON.stringify(rows)}`);
  }

  /** The chart's points as the page holds them (Dashboard 2.0 keeps them in its Vuex store). */
  function chartPoints() {
    return page.evaluate(() => {
      const store = document.querySelector('#app').__vue_app__.config.globalProperties.$store;
      return (store.state.data.messages['rosex11-chart'] || []).map((m) => ({ series: m.series, y: m.payload }));
    });
  }

  async function morePoints(than, count = 4) {
    await page.waitForFunction((wanted) => {
      const store = document.querySelector('#app').__vue_app__.config.globalProperties.$store;
      return (store.state.data.messages['rosex11-chart'] || []).length >= wanted;
    }, than + count);
    return chartPoints();
  }

  const stateOf = (rows, name) => (rows.find((r) => r[0] === name) || [])[2];

  it("lists the simulator's interfaces in the table, each running", async function () {
    const names = stack.sim.router.interfaces.rows().map((row) => row.get('name'));
    names.length.should.be.aboveOrEqual(2);
    const rows = await tableWhere('table', (r) => r.length === names.length, `${names.length} rows`);
    rows.map((r) => r[0]).should.eql(names);
    for (const row of rows) row.slice(1, 3).should.eql(['ether', 'running']);
  });

  it('shows CPU load and memory used as numbers on the gauges', async function () {
    for (const id of ['cpu', 'memory']) {
      const value = page.locator(`${widget(id)} .nrdb-ui-gauge-value`);
      await page.waitForFunction((el) => /\d/.test(el.textContent), await value.elementHandle());
      const text = (await value.textContent()).replace(/\s+/g, '');
      text.should.match(/^\d{1,3}%$/, `${id} gauge`);
      Number(text.slice(0, -1)).should.be.within(0, 100);
    }
    const resource = stack.sim.router.resource();
    const memory = Number((await page.locator(`${widget('memory')} .nrdb-ui-gauge-value`).textContent()).match(/\d+/));
    const total = Number(resource.get('total-memory'));
    // Used memory moves a little between readings; the gauge is within a few percent of now.
    memory.should.be.approximately(Math.round(((total - Number(resource.get('free-memory'))) / total) * 100), 5);
  });

  it('draws rx and tx of every interface, gaining points every second', async function () {
    const first = await morePoints(0, 1);
    const later = await morePoints(first.length, 8);
    later.length.should.be.aboveOrEqual(first.length + 8);
    const names = stack.sim.router.interfaces.rows().map((row) => row.get('name'));
    [...new Set(later.map((p) => p.series))].sort().should.eql(names.flatMap((n) => [`${n} rx`, `${n} tx`]).sort());
    for (const point of later) point.y.should.be.a.Number().and.aboveOrEqual(0);
    // A running ether1 carries traffic (the simulator's busy uplink).
    later
      .filter((p) => p.series === 'ether1 rx')
      .some((p) => p.y > 0)
      .should.be.true();
    (await page.locator(`${widget('chart')} canvas`).count()).should.be.above(0);
  });

  it('follows a toggle on the router in the table and the change list', async function () {
    stack.sim.router.setInterface('ether2', { disabled: 'true' });
    let rows = await tableWhere('table', (r) => stateOf(r, 'ether2') === 'disabled', 'ether2 disabled');
    stateOf(rows, 'ether1').should.equal('running');
    // The monitor reports no traffic on a disabled interface (two rounds, so one is after the change).
    const during = await morePoints((await chartPoints()).length, 8);
    during
      .filter((p) => p.series === 'ether2 rx')
      .pop()
      .y.should.equal(0);
    let changes = await tableWhere('change-list', (r) => r.length >= 1, 'change');
    changes[0][0].should.match(/^\d\d:\d\d:\d\d$/);
    changes[0][1].should.equal('ether2: running → disabled');

    stack.sim.router.setInterface('ether2', { disabled: 'false' });
    rows = await tableWhere('table', (r) => stateOf(r, 'ether2') === 'running', 'ether2 running again');
    changes = await tableWhere('change-list', (r) => r.length >= 2, 'second change');
    changes.map((r) => r[1]).should.eql(['ether2: disabled → running', 'ether2: running → disabled']);
    await morePoints((await chartPoints()).length, 8);
    await docsScreenshot(page, 'dashboard.png');
  });

  it("turns the traffic monitor off with the page's switch (cancel node) and on again", async function () {
    const toggle = page.locator(`${widget('switch')} input[type="checkbox"]`);
    (await toggle.isChecked()).should.be.true();
    const since = stack.comms.mark();
    await toggle.click();
    await stack.comms.nextStatus('rosex11-monitor', (s) => /stopped/.test(String(s.text)), {
      since,
      what: 'the monitor stopped',
    });
    let changes = await tableWhere('change-list', (r) => /off/.test(r[0][1]), 'the switch turned off');
    changes[0][1].should.equal('live traffic off (monitor cancelled)');

    const on = stack.comms.mark();
    await toggle.click();
    await stack.comms.nextStatus('rosex11-monitor', (s) => s.fill === 'green', { since: on, what: 'the monitor on' });
    changes = await tableWhere('change-list', (r) => /on \(/.test(r[0][1]), 'the switch turned on');
    changes[0][1].should.equal('live traffic on (ether1, ether2)');
    await morePoints((await chartPoints()).length, 4);
    stack.comms.problems(since).should.eql([]);
  });

  it('lists every fleet router on the fleet page, and shows a stopped one down after the next poll', async function () {
    await page.goto(stack.nr.url + '/dashboard/fleet');
    const names = stack.fleet.names;
    names.length.should.equal(3);
    const allUp = (r) => r.length === names.length && r.every((row) => row[4] === 'up');
    let rows = await tableWhere('fleet-table', allUp, `${names.length} routers up`);
    rows.map((r) => r[0]).should.eql(names);
    for (const row of rows) {
      row[1].should.equal(row[0], 'identity'); // the simulated routers are named by identity
      row[2].should.match(/^\d+\.\d+/, 'version');
      row[3].should.match(/\d+s$/, 'uptime');
    }

    const stopped = names[1];
    await stack.fleet.routers[1].stop();
    await stack.api.inject('rosex11-fleet-tick');
    rows = await tableWhere('fleet-table', (r) => /^down/.test(r[1] && r[1][4]), `${stopped} down`);
    rows.map((r) => r[0]).should.eql(names);
    rows[1].slice(0, 2).should.eql([stopped, stopped], 'a down router keeps its identity');
    rows[1][3].should.equal('');
    rows[0][4].should.equal('up');
    rows[2][4].should.equal('up');
  });
});

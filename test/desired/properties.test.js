'use strict';
// Property tests of ensure against the simulator: random starting tables and random desired
// lists. After a run the table matches (within restrict, dynamic entries untouched) and a second
// run writes nothing; a dry run writes nothing and reports the diff the real run then applies; a
// refusal by "most changes" writes nothing; order is kept when asked; a trap part-way reports
// exactly what was applied.
require('should');
const fc = require('fast-check');
const { ensure, sameValue } = require('../../dist/desired');
const { startRouter, stopRouter, fill, project } = require('./fixtures');

const RUNS = 100;
const LISTS = ['blocked', 'allowed'];
const ADDRESSES = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);
const COMMENTS = ['', 'feed', 'from the feed', ' spaced '];
const BOOLEAN_TEXTS = ['yes', 'no', 'true', 'false', true, false];
const PROPS = ['list', 'address', 'comment', 'disabled', 'dynamic'];

const startingEntry = fc.record({
  list: fc.constantFrom(...LISTS),
  address: fc.constantFrom(...ADDRESSES),
  comment: fc.constantFrom(...COMMENTS.map((c) => c.trim())),
  disabled: fc.boolean(),
});
// Dynamic entries live on addresses no desired entry names (adding those would be refused).
const dynamicEntry = fc.record({ list: fc.constantFrom(...LISTS), address: fc.constantFrom('192.0.2.1', '192.0.2.2') });
const desiredEntry = fc.record(
  {
    list: fc.constantFrom(...LISTS),
    address: fc.constantFrom(...ADDRESSES),
    comment: fc.constantFrom(...COMMENTS),
    disabled: fc.constantFrom(...BOOLEAN_TEXTS),
  },
  { requiredKeys: ['list', 'address'] },
);
const uniqueBy = (e) => `${e.list} ${e.address}`;

const scenario = fc.record({
  start: fc.uniqueArray(startingEntry, { selector: uniqueBy, maxLength: 14 }),
  dynamic: fc.uniqueArray(dynamicEntry, { selector: uniqueBy, maxLength: 3 }),
  desired: fc.uniqueArray(desiredEntry, { selector: uniqueBy, maxLength: 12 }),
  unlisted: fc.constantFrom('keep', 'remove'),
  restricted: fc.boolean(),
});

function rowsOf(s) {
  const rows = s.start.map((e) => [
    ['list', e.list],
    ['address', e.address],
    ['creation-time', '2025-01-01 00:00:00'],
    ['dynamic', 'false'],
    ['disabled', String(e.disabled)],
    ...(e.comment ? [['comment', e.comment]] : []),
  ]);
  for (const e of s.dynamic) {
    rows.push([
      ['list', e.list],
      ['address', e.address],
      ['timeout', '1d'],
      ['dynamic', 'true'],
      ['disabled', 'false'],
    ]);
  }
  return rows;
}

function optionsOf(s, extra = {}) {
  return {
    path: '/ip/firewall/address-list',
    keys: ['list', 'address'],
    unlisted: s.unlisted,
    restrict: s.restricted ? ['?list=blocked'] : [],
    skipDynamic: true,
    keepOrder: false,
    dryRun: false,
    ...extra,
  };
}

/** With restrict ?list=blocked, the desired entries are those of that list. */
function desiredOf(s) {
  return s.restricted ? s.desired.filter((e) => e.list === 'blocked') : s.desired;
}

describe('desired state: properties against the simulator', function () {
  this.timeout(120000);
  let router;
  before(async function () {
    router = await startRouter();
  });
  after(async function () {
    await stopRouter(router);
  });
  const table = () => router.sim.router.addressLists;
  const writes = () => router.sim.router.writeCount();

  it('converges: the table matches, dynamic and unrestricted entries are untouched, a second run writes nothing', async function () {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        fill(table(), rowsOf(s));
        const before = project(table(), PROPS);
        const inView = (row) => row.dynamic !== 'true' && (!s.restricted || row.list === 'blocked');
        const desired = desiredOf(s);
        const first = await ensure(router.client, desired, optionsOf(s));
        (first.error === undefined).should.be.true(String(first.error));
        const after = project(table(), PROPS);
        // Outside the view: exactly as before.
        after.filter((r) => !inView(r)).should.eql(before.filter((r) => !inView(r)));
        // Inside: every desired entry present with its values; with "remove" nothing else.
        const inside = after.filter(inView);
        for (const e of desired) {
          const row = inside.find((r) => r.list === e.list && r.address === e.address);
          (row !== undefined).should.be.true(`missing ${uniqueBy(e)}`);
          for (const [k, v] of Object.entries(e)) sameValue(v, row[k]).should.be.true(`${uniqueBy(e)} ${k}`);
        }
        if (s.unlisted === 'remove') inside.length.should.equal(desired.length);
        else inside.length.should.equal(new Set([...before.filter(inView), ...desired].map(uniqueBy)).size);
        const writesBefore = writes();
        const second = await ensure(router.client, desired, optionsOf(s));
        (writes() - writesBefore).should.equal(0);
        second.report.changed.should.be.false();
        second.diff.should.eql([]);
        second.report.unchanged.should.equal(desired.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('a dry run writes nothing and reports the diff the real run then applies', async function () {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        fill(table(), rowsOf(s));
        const before = project(table(), PROPS);
        const writesBefore = writes();
        const dry = await ensure(router.client, desiredOf(s), optionsOf(s, { dryRun: true }));
        (writes() - writesBefore).should.equal(0);
        project(table(), PROPS).should.eql(before);
        dry.report.dryRun.should.be.true();
        const real = await ensure(router.client, desiredOf(s), optionsOf(s));
        real.diff.should.eql(dry.diff);
        real.report.dryRun.should.be.false();
        real.report.changed.should.equal(dry.report.changed);
        real.report.updated.should.eql(dry.report.updated);
        real.report.removed.should.eql(dry.report.removed);
        real.report.added.map(({ '.id': _id, ...rest }) => rest).should.eql(dry.report.added);
        // Only the changed entries were written, one command each.
        const changes = dry.report.added.length + dry.report.updated.length + dry.report.removed.length;
        (writes() - writesBefore).should.equal(changes);
      }),
      { numRuns: RUNS },
    );
  });

  it('a refusal by "most changes" writes nothing', async function () {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        fill(table(), rowsOf(s));
        const dry = await ensure(router.client, desiredOf(s), optionsOf(s, { dryRun: true }));
        const needed = dry.report.added.length + dry.report.updated.length + dry.report.removed.length;
        fc.pre(needed > 0);
        const before = project(table(), PROPS);
        const writesBefore = writes();
        const refused = await ensure(router.client, desiredOf(s), optionsOf(s, { maxChanges: needed - 1 }));
        refused.error.should.have.property('code', 'ELIMIT');
        (writes() - writesBefore).should.equal(0);
        project(table(), PROPS).should.eql(before);
        refused.diff.should.eql(dry.diff);
        // Exactly enough is allowed.
        const allowed = await ensure(router.client, desiredOf(s), optionsOf(s, { maxChanges: needed }));
        (allowed.error === undefined).should.be.true();
      }),
      { numRuns: RUNS },
    );
  });

  it('a trap part-way stops the run and the report says exactly what was applied', async function () {
    const withBadValue = scenario.chain((s) =>
      fc.record({
        s: fc.constant(s),
        bad: fc.nat({ max: Math.max(0, s.desired.length) }),
        window: fc.constantFrom(1, 2, 256),
      }),
    );
    await fc.assert(
      fc.asyncProperty(withBadValue, async ({ s, bad, window }) => {
        fill(table(), rowsOf(s));
        const desired = desiredOf(s).map((e) => ({ ...e }));
        // One entry asks for a value RouterOS refuses; it is an update or an add either way.
        const victim = { list: 'blocked', address: ADDRESSES[bad % ADDRESSES.length], disabled: 'maybe' };
        const at = desired.findIndex((e) => uniqueBy(e) === uniqueBy(victim));
        if (at >= 0) desired[at] = victim;
        else desired.splice(bad % (desired.length + 1), 0, victim);
        const before = project(table(), PROPS);
        const writesBefore = writes();
        const result = await ensure(router.client, desired, optionsOf(s), { window });
        result.error.should.have.property('code', 'ETRAP');
        result.error.message.should.match(/disabled/);
        // Rebuild the table from the start and the report: it must be what the router holds.
        const expected = new Map(before.map((r) => [r['.id'], { ...r }]));
        for (const u of result.report.updated) Object.assign(expected.get(u['.id']), u.after);
        for (const r of result.report.removed) expected.delete(r['.id']);
        for (const a of result.report.added) expected.set(a['.id'], { disabled: 'false', ...a }); // the router's default
        const actual = project(table(), PROPS);
        actual
          .map((r) => r['.id'])
          .sort()
          .should.eql([...expected.keys()].sort());
        for (const row of actual) {
          const want = expected.get(row['.id']);
          for (const k of ['list', 'address', 'comment', 'disabled']) {
            sameValue(want[k] ?? '', row[k]).should.be.true(`${row['.id']} ${k}: ${want[k]} vs ${row[k]}`);
          }
        }
        // One at a time, nothing of the victim's phase goes out after it (the run stops there).
        if (window === 1) {
          const victimAt = desired.findIndex((e) => uniqueBy(e) === uniqueBy(victim));
          const indexOf = (entry) => desired.findIndex((e) => uniqueBy(e) === uniqueBy(entry));
          const wasThere = before.some((r) => r.dynamic !== 'true' && uniqueBy(r) === uniqueBy(victim));
          const phase = wasThere ? result.report.updated.map((u) => u.key) : result.report.added;
          for (const entry of phase) indexOf(entry).should.be.below(victimAt);
          if (wasThere) result.report.added.should.eql([]);
        }
        // Every write but the refused one shows in the report.
        const reported = result.report.added.length + result.report.updated.length + result.report.removed.length;
        (writes() - writesBefore).should.equal(reported + 1);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('desired state: order in /ip/firewall/filter', function () {
  this.timeout(120000);
  let router;
  before(async function () {
    router = await startRouter();
  });
  after(async function () {
    await stopRouter(router);
  });
  const COMMENTS10 = Array.from({ length: 8 }, (_, i) => `rule ${i}`);
  const rule = (comment, action) => [
    ['chain', 'input'],
    ['action', action],
    ['log', 'false'],
    ['log-prefix', ''],
    ['invalid', 'false'],
    ['dynamic', 'false'],
    ['disabled', 'false'],
    ['comment', comment],
  ];

  it('keeps the list order with the fewest moves, leaves the built-in rule first, and a second run writes nothing', async function () {
    const orderScenario = fc.record({
      start: fc.shuffledSubarray(COMMENTS10),
      desired: fc.shuffledSubarray(COMMENTS10, { minLength: 1 }),
      actions: fc.array(fc.constantFrom('accept', 'drop'), { minLength: 8, maxLength: 8 }),
      unlisted: fc.constantFrom('keep', 'remove'),
    });
    await fc.assert(
      fc.asyncProperty(orderScenario, async (s) => {
        const filter = router.sim.router.filterRules;
        const builtin = filter.rows()[0];
        const builtinFields = [...builtin.entries()].filter(([k]) => k !== '.id');
        fill(filter, [builtinFields, ...s.start.map((c) => rule(c, 'accept'))]);
        const builtinBefore = Object.fromEntries(filter.rows()[0]);
        const desired = s.desired.map((c) => ({ chain: 'input', comment: c, action: s.actions[Number(c.slice(5))] }));
        const options = {
          path: '/ip/firewall/filter',
          keys: ['chain', 'comment'],
          unlisted: s.unlisted,
          restrict: [],
          skipDynamic: true,
          keepOrder: true,
          dryRun: false,
        };
        const dry = await ensure(router.client, desired, { ...options, dryRun: true });
        const result = await ensure(router.client, desired, options);
        (result.error === undefined).should.be.true(String(result.error));
        result.diff.should.eql(dry.diff);
        Object.fromEntries(filter.rows()[0]).should.eql(builtinBefore);
        const order = filter
          .rows()
          .map((r) => r.get('comment'))
          .filter((c) => s.desired.includes(c));
        order.should.eql(s.desired);
        if (s.unlisted === 'remove') filter.size.should.equal(s.desired.length + 1);
        // Fewest moves: the entries already in order (the longest run) stay where they are.
        const kept = s.start.filter((c) => s.desired.includes(c));
        result.report.moved.length.should.be.belowOrEqual(s.desired.length - longestCommon(kept, s.desired));
        const writesBefore = router.sim.router.writeCount();
        const again = await ensure(router.client, desired, options);
        again.report.changed.should.be.false();
        (router.sim.router.writeCount() - writesBefore).should.equal(0);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Length of the longest common subsequence of two lists without repeats. */
function longestCommon(a, b) {
  const dp = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  return dp[a.length][b.length];
}

'use strict';
// ensure against the simulator: bad input refused before any command, one-object menus, DNS
// records with durations, refusals from the router, and what the diff lines look like.
require('should');
const { ensure } = require('../../dist/desired');
const { startRouter, stopRouter, fill } = require('./fixtures');

const LIST = {
  path: '/ip/firewall/address-list',
  keys: ['list', 'address'],
  unlisted: 'keep',
  restrict: [],
  skipDynamic: true,
  keepOrder: false,
  dryRun: false,
};

describe('desired state: ensure', function () {
  let router;
  let commands;
  const onCommand = (event) => commands.push(event.words[0]);
  beforeEach(async function () {
    router = await startRouter();
    commands = [];
    router.sim.on('command', onCommand);
  });
  afterEach(async function () {
    router.sim.off('command', onCommand);
    await stopRouter(router);
  });

  async function refusedBeforeSending(payload, options, pattern) {
    const err = await ensure(router.client, payload, options).then(
      () => null,
      (e) => e,
    );
    (err !== null).should.be.true('ensure did not refuse');
    err.should.have.property('code', 'EINPUT');
    err.message.should.match(pattern);
    commands.should.eql([]);
  }

  it('refuses duplicate keys, a missing key and bad values with EINPUT before sending anything', async function () {
    const a = { list: 'blocked', address: '203.0.113.7' };
    await refusedBeforeSending(
      [a, { ...a, comment: 'x' }],
      LIST,
      /entry 1 and entry 2 have the same key list=blocked address=203.0.113.7/,
    );
    // Keys compare as RouterOS prints them: surrounding spaces do not make another key.
    await refusedBeforeSending([a, { list: ' blocked', address: '203.0.113.7' }], LIST, /same key/);
    await refusedBeforeSending([a, { list: 'blocked' }], LIST, /entry 2 has no "address"/);
    await refusedBeforeSending([{ list: 'blocked', address: '' }], LIST, /has no "address"/);
    await refusedBeforeSending([{ ...a, comment: { a: 1 } }], LIST, /"comment" must be a string, number or boolean/);
    await refusedBeforeSending([{ ...a, '.id': '*1' }], LIST, /cannot be set/);
    await refusedBeforeSending(a, LIST, /must be an array/);
    await refusedBeforeSending([a], { ...LIST, keys: [] }, /must be one object/);
    await refusedBeforeSending([a], { ...LIST, path: 'ip/firewall' }, /must start with "\/"/);
    await refusedBeforeSending([a], { ...LIST, maxChanges: -1 }, /most changes/);
    await refusedBeforeSending(
      [{ list: 'allowed', address: '1.2.3.4' }],
      { ...LIST, restrict: ['?list=blocked'] },
      /outside the restrict \?list=blocked/,
    );
  });

  it('fills a simple restrict into entries that leave it out', async function () {
    const { report, diff } = await ensure(router.client, [{ address: '203.0.113.7' }], {
      ...LIST,
      keys: ['address'],
      restrict: ['?list=blocked'],
    });
    diff.should.eql(['+ list=blocked address=203.0.113.7']);
    report.added[0].should.have.properties({ list: 'blocked', address: '203.0.113.7' });
    router.sim.router
      .print('/ip/firewall/address-list')
      .filter((r) => r.list === 'blocked')
      .length.should.equal(1);
  });

  it('words the diff: updates with before and after, adds, removals by key', async function () {
    const table = router.sim.router.addressLists;
    fill(table, [
      [
        ['list', 'blocked'],
        ['address', '198.51.100.1'],
        ['dynamic', 'false'],
        ['disabled', 'false'],
      ],
      [
        ['list', 'blocked'],
        ['address', '203.0.113.9'],
        ['dynamic', 'false'],
        ['disabled', 'false'],
        ['comment', 'old'],
      ],
    ]);
    const [removedId, updatedId] = table.rows().map((r) => r.get('.id'));
    const desired = [
      { list: 'blocked', address: '203.0.113.9', comment: 'new', disabled: 'no' },
      { list: 'blocked', address: '203.0.113.7', comment: 'from the feed' },
    ];
    const { report, diff } = await ensure(router.client, desired, { ...LIST, unlisted: 'remove' });
    diff.should.eql([
      `~ ${updatedId} comment: "old" → "new"`,
      '+ list=blocked address=203.0.113.7 comment="from the feed"',
      `- ${removedId} list=blocked address=198.51.100.1`,
    ]);
    report.should.have.properties({ changed: true, dryRun: false, unchanged: 0, moved: [] });
    report.updated.should.eql([
      {
        '.id': updatedId,
        key: { list: 'blocked', address: '203.0.113.9' },
        before: { comment: 'old' },
        after: { comment: 'new' },
      },
    ]);
    report.added[0]['.id'].should.match(/^\*[0-9A-F]+$/);
    report.removed.map((r) => r['.id']).should.eql([removedId]);
  });

  it('a one-object menu: /ip/dns set without .id, values compared as printed', async function () {
    const options = { ...LIST, path: '/ip/dns', keys: [] };
    const desired = {
      servers: '9.9.9.9,1.1.1.1',
      'allow-remote-requests': true,
      'cache-size': 4096,
      'cache-max-ttl': '7d',
    };
    const first = await ensure(router.client, desired, options);
    first.diff.should.eql([
      '~ servers: "" → "9.9.9.9,1.1.1.1", allow-remote-requests: "false" → "yes", cache-size: "2048" → "4096"',
    ]);
    first.report.updated[0].should.not.have.property('.id');
    commands.filter((c) => c === '/ip/dns/set').length.should.equal(1);
    router.sim.router
      .print('/ip/dns')[0]
      .should.have.properties({ servers: '9.9.9.9,1.1.1.1', 'allow-remote-requests': 'true' });
    const second = await ensure(
      router.client,
      { ...desired, 'allow-remote-requests': 'yes', 'cache-max-ttl': '1w' },
      options,
    );
    second.report.should.have.properties({ changed: false, unchanged: 1 });
  });

  it('a list menu without keys is refused, naming the reason', async function () {
    await ensure(router.client, [{ list: 'a', address: '1.2.3.4' }], { ...LIST, keys: [] }).should.be.rejectedWith({
      code: 'EINPUT',
    });
    const err = await ensure(router.client, { comment: 'x' }, { ...LIST, keys: [] }).then(null, (e) => e);
    err.should.have.property('code', 'EINPUT');
    err.message.should.match(/is a list .*set the keys/);
    commands.filter((c) => !c.endsWith('/print') && c !== '/login').should.eql([]);
  });

  it("DNS records: a ttl of 01:00:00 is the router's 1h; a default it does not print is a change every time", async function () {
    const options = { ...LIST, path: '/ip/dns/static', keys: ['name'] };
    const desired = [{ name: 'nas.lan', address: '192.0.2.10', ttl: '01:00:00' }];
    (await ensure(router.client, desired, options)).diff.should.eql(['+ name=nas.lan address=192.0.2.10 ttl=01:00:00']);
    router.sim.router.print('/ip/dns/static')[0].ttl.should.equal('1h');
    (await ensure(router.client, [{ ...desired[0], ttl: '1h00m' }], options)).report.changed.should.be.false();
    // type=A is RouterOS's default and not printed: ensure cannot see it (the README says so).
    (await ensure(router.client, [{ ...desired[0], type: 'A' }], options)).diff.should.have.length(1);
  });

  it("the router's refusal of a duplicate entry stops the run with ETRAP and the report of what went before", async function () {
    fill(router.sim.router.addressLists, [
      [
        ['list', 'blocked'],
        ['address', '203.0.113.7'],
        ['dynamic', 'false'],
        ['disabled', 'false'],
        ['comment', 'a'],
      ],
    ]);
    // Keyed by comment, the same address in the same list is "another" entry: RouterOS refuses it.
    const result = await ensure(
      router.client,
      [
        { list: 'blocked', address: '203.0.113.8', comment: 'b' },
        { list: 'blocked', address: '203.0.113.7', comment: 'c' },
      ],
      { ...LIST, keys: ['comment'], unlisted: 'remove' },
      { window: 1 },
    );
    result.error.should.have.properties({ code: 'ETRAP', message: 'failure: already have such entry' });
    result.report.added.map((a) => a.comment).should.eql(['b']);
    result.report.removed.should.eql([]); // removals come after adds: never reached
    router.sim.router
      .print('/ip/firewall/address-list')
      .map((r) => r.comment)
      .should.eql(['a', 'b']);
  });
});

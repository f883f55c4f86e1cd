'use strict';
// End to end, in a real Node-RED process: the pack loads from the working tree, its examples
// are offered under Import → Examples, and each example flow, deployed through the Admin HTTP
// API against the simulator, does what its comment says when its buttons are pressed. Results
// are read the way a person reads them: from the debug sidebar and node status messages.
const fs = require('node:fs');
const path = require('node:path');
require('should');
const { startStack, printLogsOnFailure, USER, RED_JS } = require('./helpers/stack');
const { loadExamples, exampleAsFlow, mergeExamples, EXAMPLES_DIR } = require('../../scripts/demo/examples');
const { PACKAGE, REPO_ROOT } = require('../../scripts/demo/node-red-runner');
const { connect } = require('../../dist/client');
const { waitFor } = require('../helpers/wait');

const SECRET = 'e2e-Pa55word-never-shown';
const CONNECTION_ID = 'routeros-sim-connection';
const FLEET_ID = 'routeros-sim-fleet';
const OUR_TYPES = [
  'routeros-connection',
  'routeros-fleet',
  'routeros-command',
  'routeros-listen',
  'routeros-cancel',
  'routeros-ensure',
];

/** Adds the password to the shared connection and fleet nodes, as the editor sends it on deploy. */
function withPassword(flows) {
  return flows.map((n) =>
    n.id === CONNECTION_ID || n.id === FLEET_ID ? { ...n, credentials: { password: SECRET } } : n,
  );
}

/**
 * Test-only nodes beside an example on its tab: an inject, a command on the example's
 * connection and a debug node. Pressing the inject is a round trip through the router that
 * comes back after anything the router sent on that connection before (it answers in order,
 * and Node-RED and the debug sidebar keep that order): the sign that nothing more is coming.
 */
function roundTripNodes(tab) {
  const at = { z: tab, x: 900, y: 500 };
  return [
    {
      id: 'e2e-probe-inject',
      type: 'inject',
      ...at,
      props: [{ p: 'payload' }],
      payloadType: 'date',
      wires: [['e2e-probe-cmd']],
    },
    {
      id: 'e2e-probe-cmd',
      type: 'routeros-command',
      ...at,
      connection: CONNECTION_ID,
      command: '/system/identity/print',
      mode: 'oneshot',
      wires: [['e2e-probe-debug']],
    },
    { id: 'e2e-probe-debug', type: 'debug', ...at, active: true, tosidebar: true, complete: 'payload', wires: [] },
  ];
}

describe('e2e: the pack in a real Node-RED runtime', function () {
  this.timeout(30000);
  const examples = loadExamples();
  const byNumber = (n) => examples.find((e) => e.file.startsWith(n));
  let stack;
  let api;
  let comms;

  before(async function () {
    stack = await startStack({ simOptions: { password: SECRET } });
    ({ api, comms } = stack);
  });

  after(async function () {
    if (stack) await stack.stop();
  });

  afterEach(function () {
    printLogsOnFailure(this.currentTest, stack);
  });

  /** Deploys one example alone; resolves, once it runs, with a comms mark taken before the deploy. */
  async function deployExample(number) {
    return stack.deploy(withPassword(exampleAsFlow(byNumber(number))));
  }

  /** The listen node `id` shows it is listening (so the router streams changes to it). */
  function listening(id, since) {
    return comms.nextStatus(id, (s) => s.fill === 'green' && /listening|events/.test(String(s.text)), {
      since,
      what: `listen node ${id} listening`,
    });
  }

  function noProblemsSince(since) {
    const problems = comms.problems(since).map((m) => `${m.id}: ${JSON.stringify(m.payload)}`);
    problems.should.eql([], 'node errors or warnings in the debug sidebar');
  }

  it('runs the Node-RED it was pointed at (E2E_NODE_RED_JS, else the devDependency)', async function () {
    // npm run test:e2e:nr5 points the stack at Node-RED 5; this fails if that setting got lost.
    const redJs = RED_JS || require.resolve('node-red/red.js', { paths: [REPO_ROOT] });
    const wanted = JSON.parse(fs.readFileSync(path.join(path.dirname(redJs), 'package.json'), 'utf8')).version;
    // Node-RED adds "-git" when it finds a .git folder a few levels above its own (this checkout's).
    (await api.json('GET', '/settings')).version.replace(/-git$/, '').should.equal(wanted);
  });

  it('loads the pack from the working tree with its node types', async function () {
    const nodes = await api.nodes();
    const ours = nodes.filter((set) => set.module === PACKAGE.name);
    ours
      .map((set) => set.types)
      .flat()
      .sort()
      .should.eql([...OUR_TYPES].sort());
    for (const set of ours) {
      set.should.have.property('enabled', true);
      set.should.not.have.property('err');
    }
    // The runtime serves each node's icon (it only looks in an icons/ folder beside the .js).
    for (const type of OUR_TYPES.slice(2)) {
      const res = await fetch(`${stack.nr.url}/icons/${PACKAGE.name}/${type}.svg`);
      res.status.should.equal(200, `${type}.svg`);
      (await res.text()).should.match(/<svg[\s>]/);
    }
  });

  it('offers every example under Import → Examples', async function () {
    const listed = await api.json('GET', `/library/examples/flows/${PACKAGE.name}`);
    const names = listed.map((e) => (typeof e === 'string' ? e : e.fn)).map((n) => n.replace(/\.json$/, ''));
    names.sort().should.eql(examples.map((e) => e.title));
    const first = await api.json(
      'GET',
      `/library/examples/flows/${PACKAGE.name}/${encodeURIComponent(examples[0].title)}`,
    );
    first.should.eql(JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, examples[0].file), 'utf8')));
  });

  it('01: reads the identity and the system resources', async function () {
    const since = await deployExample('01');
    await api.inject('rosex01-inject-identity');
    const identity = await comms.nextDebug('rosex01-debug-identity', { since });
    identity.payload.should.eql({ name: 'MikroTik' });

    await api.inject('rosex01-inject-resources');
    const resources = (await comms.nextDebug('rosex01-debug-resources', { since })).payload;
    resources.should.have.property('cpu-load').which.is.a.Number();
    resources.should.have.property('total-memory', 1073741824);
    resources.should.have.property('version').match(/^7\./);
    resources.should.have.property('uptime').which.is.a.String();
    noProblemsSince(since);
  });

  it('02: lists interfaces as an array, split and joined again, and filtered', async function () {
    const since = await deployExample('02');
    await api.inject('rosex02-inject-array');
    const array = (await comms.nextDebug('rosex02-debug-array', { since })).payload;
    array.should.be.an.Array();
    array.length.should.be.aboveOrEqual(2);
    array.map((i) => i.name).should.containDeep(['ether1', 'ether2']);

    await api.inject('rosex02-inject-split');
    const joined = (await comms.nextDebug('rosex02-debug-joined', { since })).payload;
    // A second print: the same interfaces, with traffic counters that moved on since the first.
    joined.map((i) => [i['.id'], i.name]).should.eql(array.map((i) => [i['.id'], i.name]));
    Number(joined[0]['rx-byte']).should.be.above(Number(array[0]['rx-byte']));
    const parts = comms.debugFrom('rosex02-debug-one', since).map((m) => m.payload);
    parts.should.eql(joined);

    await api.inject('rosex02-inject-ether');
    const ether = (await comms.nextDebug('rosex02-debug-ether', { since })).payload;
    ether.length.should.equal(array.filter((i) => i.type === 'ether').length);
    for (const row of ether) Object.keys(row).sort().should.eql(['mtu', 'name', 'running']);
    noProblemsSince(since);
  });

  it('03: watches interface changes, toggles ether2, cancels the watch and starts it again', async function () {
    const example = byNumber('03');
    const since = await stack.deploy(withPassword([...exampleAsFlow(example), ...roundTripNodes(example.tabId)]));
    await listening('rosex03-listen', since);

    const before = stack.sim.router.getInterface('ether2').disabled;
    await api.inject('rosex03-inject-toggle');
    const event = await comms.nextDebug('rosex03-debug-events', {
      since,
      predicate: (m) => m.payload.name === 'ether2',
      what: 'a listen event for ether2',
    });
    const after = before === 'true' ? 'false' : 'true';
    event.payload.should.have.property('disabled', after);
    stack.sim.router.getInterface('ether2').should.have.property('disabled', after);

    // Pressed again, it flips back.
    const second = comms.mark();
    await api.inject('rosex03-inject-toggle');
    (await comms.nextDebug('rosex03-debug-events', { since: second })).payload.should.have.property('disabled', before);

    // Cancel: the cancel node reports it, the listen node shows it stopped, no more events.
    const stop = comms.mark();
    await api.inject('rosex03-inject-stop');
    (await comms.nextDebug('rosex03-debug-cancel', { since: stop })).payload.should.eql({
      tag: 'interface-watch',
      cancelled: true,
    });
    await comms.nextStatus('rosex03-listen', (s) => /stopped/.test(String(s.text)), { since: stop });
    stack.sim.router.setInterface('ether1', { comment: 'changed while nobody watches' });
    await api.inject('e2e-probe-inject');
    await comms.nextDebug('e2e-probe-debug', { since: stop, what: 'the round trip after the change' });
    comms.debugFrom('rosex03-debug-events', stop).should.eql([]);

    // Any message starts it again.
    const again = comms.mark();
    await api.inject('rosex03-inject-restart');
    await listening('rosex03-listen', again);
    stack.sim.router.setInterface('ether1', { comment: '' });
    (await comms.nextDebug('rosex03-debug-events', { since: again })).payload.should.have.property('name', 'ether1');
    noProblemsSince(since);
  });

  it('04: logs who logs in and out', async function () {
    const since = await deployExample('04');
    // "who is on" runs once at start: Node-RED's own API session is there.
    const list = await comms.nextDebug('rosex04-debug-list', { since, timeout: 5000 });
    list.payload
      .some((line) => /^admin from 127\.0\.0\.1 via api since \d{4}-\d\d-\d\d /.test(line))
      .should.be.true(`Node-RED's own session in ${JSON.stringify(list.payload)}`);
    await listening('rosex04-listen', since);

    // A second API client logs in and out: a real login on the simulator.
    const other = await connect({ host: '127.0.0.1', port: stack.sim.port, username: USER, password: SECRET });
    const login = await comms.nextDebug('rosex04-debug-events', { since });
    login.payload.should.equal('admin logged in from 127.0.0.1 via api');
    const out = comms.mark();
    await other.close();
    const logout = await comms.nextDebug('rosex04-debug-events', { since: out });
    logout.payload.should.equal('admin logged out (was in from 127.0.0.1 via api)');
    noProblemsSince(since);
  });

  it('05: adds and removes an IP address; the catch node explains each !trap', async function () {
    const since = await deployExample('05');
    const addresses = stack.sim.router.addresses;
    const startCount = addresses.size;

    await api.inject('rosex05-inject-add');
    const added = (await comms.nextDebug('rosex05-debug-added', { since })).payload;
    added.should.have.property('ret').match(/^\*[0-9A-F]+$/);
    addresses.find(added.ret).get('address').should.equal('127.0.0.2/32');

    await api.inject('rosex05-inject-list');
    const listed = (await comms.nextDebug('rosex05-debug-list', { since })).payload;
    listed.map((a) => a['.id']).should.containEql(added.ret);

    await api.inject('rosex05-inject-remove');
    await comms.nextDebug('rosex05-debug-removed', { since });
    addresses.size.should.equal(startCount);

    const badRemove = comms.mark();
    await api.inject('rosex05-inject-bad-remove');
    const trap1 = await comms.nextDebug('rosex05-debug-trap', { since: badRemove });
    trap1.payload.should.equal('remove a missing id: the router said "no such item" [ETRAP]');

    const badAdd = comms.mark();
    await api.inject('rosex05-inject-bad-add');
    const trap2 = await comms.nextDebug('rosex05-debug-trap', { since: badAdd });
    trap2.payload.should.equal(
      'add on a missing interface: the router said "input does not match any value of interface" (!trap category 1) [ETRAP]',
    );
    addresses.size.should.equal(startCount);
    // The catch node handled both, so Node-RED reports neither as an uncaught error.
    noProblemsSince(since);
    // Nothing came out of the command nodes' outputs for the refused commands.
    comms.debugFrom('rosex05-debug-removed', badRemove).should.eql([]);
    comms.debugFrom('rosex05-debug-added', badRemove).should.eql([]);
  });

  it('06: shows a resource summary in the sidebar and under the function node', async function () {
    const since = await deployExample('06');
    // The inject fires once a second after the deploy, then every 5 s.
    const first = (await comms.nextDebug('rosex06-debug', { since, timeout: 5000 })).payload;
    first.should.match(
      /^CPU \d+% [▁▂▃▄▅▆▇█]+ \| RAM \d+\/1024 MiB \(\d+%\) \| HDD \d+\/128 MiB \(\d+%\) \| up \d+[wdhms]\S*$/,
    );
    const status = await comms.nextStatus('rosex06-format', (s) => /^CPU/.test(String(s.text)), { since });
    status.text.should.match(/^CPU \d+% \| RAM \d+\/1024 MiB \| up \S+$/);
    ['green', 'yellow', 'red'].should.containEql(status.fill);

    const pressed = comms.mark();
    await api.inject('rosex06-tick');
    const second = (await comms.nextDebug('rosex06-debug', { since: pressed })).payload;
    const sparkline = (line) => /^CPU \d+% (\S+) /.exec(line)[1];
    sparkline(second).length.should.equal(sparkline(first).length + 1); // one more reading
    noProblemsSince(since);
  });

  it('09: the blocklist: a dry run writes nothing, apply makes the list, a second apply has nothing to do', async function () {
    const since = await deployExample('09');
    const blocked = () => stack.sim.router.print('/ip/firewall/address-list').filter((r) => r.list === 'blocked');
    const before = blocked().length;

    await api.inject('rosex09-inject-dry-run');
    const dry = (await comms.nextDebug('rosex09-debug-diff', { since })).payload;
    dry.should.containEql('+ list=blocked address=203.0.113.7 comment=scanner');
    dry.length.should.equal(3 + before);
    blocked().length.should.equal(before);

    const applied = comms.mark();
    await api.inject('rosex09-inject-apply');
    (await comms.nextDebug('rosex09-debug-diff', { since: applied })).payload.should.eql(dry);
    blocked()
      .map((r) => r.address)
      .sort()
      .should.eql(['198.51.100.0/24', '203.0.113.7', '203.0.113.8']);
    // The dynamic entry of another list is still there.
    stack.sim.router
      .print('/ip/firewall/address-list')
      .some((r) => r.dynamic === 'true')
      .should.be.true();

    const again = comms.mark();
    await api.inject('rosex09-inject-apply');
    (await comms.nextDebug('rosex09-debug-diff', { since: again })).payload.should.eql([]);
    (await comms.nextDebug('rosex09-debug-report', { since: again })).payload.should.have.properties({
      changed: false,
      unchanged: 3,
    });
    noProblemsSince(since);
  });

  it("10: DNS as code: dry run, apply, and 01:00:00 equals the router's 1h on the next run", async function () {
    const since = await deployExample('10');
    const managed = () => stack.sim.router.print('/ip/dns/static').filter((r) => r.comment === 'dns-as-code');

    await api.inject('rosex10-inject-dry-run');
    const dry = (await comms.nextDebug('rosex10-debug-diff', { since })).payload;
    dry.should.containEql('+ comment=dns-as-code name=nas.home.arpa address=192.0.2.10 ttl=1h');
    managed().length.should.equal(0);

    const applied = comms.mark();
    await api.inject('rosex10-inject-apply');
    (await comms.nextDebug('rosex10-debug-diff', { since: applied })).payload.should.eql(dry);
    managed()
      .map((r) => `${r.name} ${r.address} ${r.ttl}`)
      .should.eql(['nas.home.arpa 192.0.2.10 1h', 'printer.home.arpa 192.0.2.20 1h', 'router.home.arpa 192.0.2.1 1d']);

    const again = comms.mark();
    await api.inject('rosex10-inject-dry-run');
    (await comms.nextDebug('rosex10-debug-diff', { since: again })).payload.should.eql([]);
    noProblemsSince(since);
  });

  it('example 07: every router of the fleet from ROUTEROS_FLEET answers, then one summary', async function () {
    const since = await deployExample('07');
    const names = stack.fleet.names;
    const pressed = comms.mark();
    await api.inject('rosex07-inject-all');
    const summary = await comms.nextDebug('rosex07-debug-summary', { since: pressed, timeout: 10_000 });
    summary.payload.ok.slice().sort().should.eql(names);
    summary.payload.failed.should.eql({});
    // Each router's line: the multi-line env var became the whole list. (They pass a function
    // node on the way, so the summary may overtake the last of them.)
    await waitFor(() => comms.debugFrom('rosex07-debug-router', pressed).length >= names.length, 5000, 'router lines');
    const lines = comms
      .debugFrom('rosex07-debug-router', pressed)
      .map((m) => m.payload)
      .sort();
    lines.should.eql(
      names.map(
        (name, i) => `${name}: identity ${name}, RouterOS 7.18.2 (stable) on 127.0.0.1:${stack.fleet.ports[i]}`,
      ),
    );

    const one = comms.mark();
    await api.inject('rosex07-inject-one');
    const only = await comms.nextDebug('rosex07-debug-summary', { since: one });
    only.payload.ok.should.eql(['router-002']);
    await comms.nextDebug('rosex07-debug-router', { since: one });
    comms
      .debugFrom('rosex07-debug-router', one)
      .map((m) => m.payload)
      .should.eql([`router-002: identity router-002, RouterOS 7.18.2 (stable) on 127.0.0.1:${stack.fleet.ports[1]}`]);
    noProblemsSince(since);
  });

  it('example 08: one listen node watches every router of the fleet; one cancel node stops them all', async function () {
    const since = await deployExample('08');
    const names = stack.fleet.names;
    await comms.nextStatus(
      'rosex08-listen',
      (s) => s.fill === 'green' && String(s.text).startsWith(`listening on ${names.length}/${names.length}`),
      { since, what: 'listening on every router' },
    );
    const pressed = comms.mark();
    await api.inject('rosex08-inject-comment');
    const line = await comms.nextDebug('rosex08-debug-events', { since: pressed });
    line.payload.should.match(/^router-002: ether1 running=true disabled=false comment="\d+"$/);

    const stop = comms.mark();
    await api.inject('rosex08-inject-stop');
    const cancelled = await comms.nextDebug('rosex08-debug-cancel', { since: stop });
    cancelled.payload.should.eql({ tag: 'fleet-watch', cancelled: true, routers: names });
    // A catalog key, which the editor translates ("stopped").
    await comms.nextStatus('rosex08-listen', (s) => s.text === 'routeros-listen.status.stopped', { since: stop });
    noProblemsSince(since);
  });

  it('example 07: a router that is down reaches the Catch node, the others answer', async function () {
    const since = await deployExample('07');
    const down = stack.fleet.routers[2];
    await down.stop();
    try {
      const pressed = comms.mark();
      await api.inject('rosex07-inject-all');
      const summary = await comms.nextDebug('rosex07-debug-summary', { since: pressed, timeout: 15_000 });
      summary.payload.ok.slice().sort().should.eql(['router-001', 'router-002']);
      Object.keys(summary.payload.failed).should.eql(['router-003']);
      summary.payload.failed['router-003'].code.should.equal('ECONNREFUSED');
      const failed = await comms.nextDebug('rosex07-debug-failed', { since: pressed });
      failed.payload.should.startWith('router-003: ');
      await waitFor(() => comms.debugFrom('rosex07-debug-router', pressed).length >= 2, 5000, 'router lines');
    } finally {
      await down.start();
    }
    noProblemsSince(since);
  });

  it('runs all examples together (as npm start does) without errors', async function () {
    const since = await stack.deploy(withPassword(mergeExamples(examples)));
    await listening('rosex03-listen', since);
    await listening('rosex04-listen', since);
    await comms.nextDebug('rosex06-debug', { since });
    await comms.nextDebug('rosex04-debug-list', { since });
    noProblemsSince(since);
  });

  it('never sends the password back to the editor', async function () {
    const text = await api.flowsText();
    text.should.not.containEql(SECRET);
    JSON.parse(text)
      .flows.find((n) => n.id === CONNECTION_ID)
      .should.not.have.property('credentials');
    const creds = await api.json('GET', `/credentials/routeros-connection/${CONNECTION_ID}`);
    creds.should.eql({ has_password: true });
  });
});

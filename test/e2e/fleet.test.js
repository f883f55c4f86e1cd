'use strict';
// Issue 15 in a real Node-RED: a routeros-fleet of three simulated routers and a command node
// on it; routers named by name, host, array and "*"; the summary; an unlisted host refused
// before any connection; the fleet status in the real catalog's words.
const net = require('node:net');
require('should');
const { RouterOSSimulator } = require('../../dist/simulator');
const { startStack, printLogsOnFailure, USER } = require('./helpers/stack');
const { flowNodes } = require('./helpers/flow-nodes');

const SECRET = 'e2e-fleet-secret';
const TAB = 'fleet-tab';

const { at, inject: injectNode, debug } = flowNodes(TAB);
/** An inject button that sends msg.router (JSON) to the command node. */
const inject = (id, router) => injectNode(id, { router: [router, 'json'] }, ['cmd']);

describe('e2e: a fleet in a real Node-RED', function () {
  this.timeout(30000);
  let stack;
  const sims = [];
  let stranger;
  let strangerConnections = 0;

  before(async function () {
    stack = await startStack({ simOptions: { password: SECRET, identity: 'router-001' } });
    for (const identity of ['router-002', 'router-003']) {
      const sim = new RouterOSSimulator({ host: '127.0.0.1', port: 0, username: USER, password: SECRET, identity });
      await sim.start();
      sims.push(sim);
    }
    stranger = net.createServer((socket) => {
      strangerConnections++;
      socket.destroy();
    });
    await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  });
  after(async function () {
    if (stack) await stack.stop();
    await Promise.all(sims.map((sim) => sim.stop()));
    if (stranger) await new Promise((resolve) => stranger.close(resolve));
  });
  afterEach(function () {
    printLogsOnFailure(this.currentTest, stack);
  });

  function flows() {
    const ports = [stack.sim.port, ...sims.map((sim) => sim.port)];
    return [
      { id: TAB, type: 'tab', label: 'fleet' },
      {
        id: 'fleet',
        type: 'routeros-fleet',
        name: 'three routers',
        routers: ports.map((port, i) => `r${i + 1} 127.0.0.1:${port}`).join('\n'),
        port: '8728',
        username: USER,
        useTls: false,
        encoding: 'utf8',
        timeout: '5',
        credentials: { password: SECRET },
      },
      inject('by-name', '"r2"'),
      inject('by-host', JSON.stringify(`127.0.0.1:${ports[2]}`)),
      inject('by-array', '["r1","r3"]'),
      inject('everyone', '"*"'),
      inject('stranger', JSON.stringify(`127.0.0.1:${stranger.address().port}`)),
      {
        id: 'cmd',
        type: 'routeros-command',
        ...at(),
        targetType: 'fleet',
        fleet: 'fleet',
        routers: '',
        command: '/system/identity/print',
        mode: 'oneshot',
        outputs: 2,
        wires: [['per-router'], ['summary']],
      },
      debug('per-router', 'routeros.router'),
      debug('summary', 'payload'),
      { id: 'catch', type: 'catch', ...at(), scope: ['cmd'], uncaught: false, wires: [['caught']] },
      debug('caught', 'routeros.error'),
    ];
  }

  async function press(id) {
    const since = stack.comms.mark();
    await stack.api.inject(id);
    return since;
  }

  it('a name, a listed host, an array and "*": one reply per router, then the summary', async function () {
    const { comms } = stack;
    await stack.deploy(flows());
    const cases = [
      ['by-name', ['r2']],
      ['by-host', ['r3']],
      ['by-array', ['r1', 'r3']],
      ['everyone', ['r1', 'r2', 'r3']],
    ];
    for (const [button, names] of cases) {
      const since = await press(button);
      const summary = await comms.nextDebug('summary', { since });
      summary.payload.ok.slice().sort().should.eql(names, button);
      summary.payload.failed.should.eql({});
      const replies = comms.debugFrom('per-router', since).map((m) => m.payload);
      replies
        .map((r) => r.name)
        .sort()
        .should.eql(names, button);
      for (const reply of replies) {
        reply.identity.should.equal(`router-00${reply.name.slice(1)}`);
        reply.version.should.match(/^\d+\.\d+/);
      }
    }
    const status = await comms.nextStatus('cmd', (s) => s.fill === 'green');
    status.text.should.equal('3/3 connected');
  });

  it('a host not on the list is refused (EINPUT) before any connection opens', async function () {
    const { comms } = stack;
    await stack.deploy(flows());
    const since = await press('stranger');
    const caught = await comms.nextDebug('caught', { since });
    caught.payload.code.should.equal('EINPUT');
    caught.payload.message.should.match(/is not on the fleet's list/);
    strangerConnections.should.equal(0);
    comms.debugFrom('summary', since).should.eql([]);
  });
});

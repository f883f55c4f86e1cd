'use strict';
// Issue 16 in a real Node-RED: with a Catch and a Complete node scoped to each node that takes
// input, a failed message reaches Catch once and Complete never, a good one Complete once; a
// wrong password shows "login refused — next try in 5 min" (the real catalog) and a message
// fails at once with ELOGIN.
require('should');
const { startStack, printLogsOnFailure } = require('./helpers/stack');
const { flowNodes } = require('./helpers/flow-nodes');

const SECRET = 'e2e-failures-secret';
const TAB = 'failures-tab';

const { at, inject: injectNode, debug } = flowNodes(TAB);
const inject = (id, props, wires) =>
  injectNode(id, Object.fromEntries(Object.entries(props).map(([p, v]) => [p, [v, 'str']])), wires);

/** Catch and Complete nodes scoped to `nodeId`, each showing msg.which (and the code, for Catch). */
function catchAndComplete(nodeId) {
  return [
    { id: `${nodeId}-catch`, type: 'catch', ...at(), scope: [nodeId], uncaught: false, wires: [[`${nodeId}-caught`]] },
    debug(`${nodeId}-caught`, 'routeros.error.code'),
    {
      id: `${nodeId}-complete`,
      type: 'complete',
      ...at(),
      scope: [nodeId],
      uncaught: false,
      wires: [[`${nodeId}-completed`]],
    },
    debug(`${nodeId}-completed`, 'which'),
  ];
}

function connection(id, port, name) {
  return {
    id,
    type: 'routeros-connection',
    name,
    host: '127.0.0.1',
    port: String(port),
    username: 'admin',
    useTls: false,
    encoding: 'utf8',
    timeout: '30',
    keepalive: '30',
    loginRetry: '300',
    credentials: { password: id === 'good-conn' ? SECRET : 'wrong-password' },
  };
}

describe('e2e: Catch and Complete nodes, and connection failures, in a real Node-RED', function () {
  this.timeout(30000);
  let stack;

  before(async function () {
    stack = await startStack({ simOptions: { password: SECRET } });
  });
  after(async function () {
    if (stack) await stack.stop();
  });
  afterEach(function () {
    printLogsOnFailure(this.currentTest, stack);
  });

  function flows() {
    const port = stack.sim.port;
    return [
      { id: TAB, type: 'tab', label: 'failures' },
      connection('good-conn', port, 'simulator'),
      connection('bad-conn', port, 'simulator, wrong password'),
      // command
      inject('cmd-bad', { which: 'bad', command: '/ip/address/add' }, ['cmd']),
      inject('cmd-good', { which: 'good', command: '/system/identity/print' }, ['cmd']),
      {
        id: 'cmd',
        type: 'routeros-command',
        ...at(),
        connection: 'good-conn',
        command: '',
        mode: 'oneshot',
        wires: [[]],
      },
      ...catchAndComplete('cmd'),
      // listen
      inject('listen-bad', { which: 'bad', tag: 'тег' }, ['listen']),
      inject('listen-good', { which: 'good', tag: 'watch' }, ['listen']),
      {
        id: 'listen',
        type: 'routeros-listen',
        ...at(),
        connection: 'good-conn',
        command: '/interface/listen',
        tag: '',
        autoStart: false,
        wires: [[]],
      },
      ...catchAndComplete('listen'),
      // cancel
      inject('cancel-bad', { which: 'bad', tag: 'no-such-stream' }, ['cancel']),
      inject('cancel-good', { which: 'good', tag: 'watch' }, ['cancel']),
      { id: 'cancel', type: 'routeros-cancel', ...at(), connection: 'good-conn', tag: '', wires: [[]] },
      ...catchAndComplete('cancel'),
      // a connection with the wrong password
      inject('locked-send', { which: 'locked' }, ['locked']),
      {
        id: 'locked',
        type: 'routeros-command',
        ...at(),
        connection: 'bad-conn',
        command: '/system/identity/print',
        mode: 'oneshot',
        wires: [[]],
      },
      ...catchAndComplete('locked'),
    ];
  }

  it('a failed message reaches Catch once and Complete never; a good one Complete once (command, listen, cancel)', async function () {
    const { api, comms } = stack;
    const since = await stack.deploy(flows());
    const cases = [
      ['cmd', 'ETRAP'],
      ['listen', 'EINPUT'],
      ['cancel', 'ENOTAG'],
    ];
    for (const [node, code] of cases) {
      const bad = comms.mark();
      await api.inject(`${node}-bad`);
      (await comms.nextDebug(`${node}-caught`, { since: bad })).payload.should.equal(code);
      const good = comms.mark();
      await api.inject(`${node}-good`);
      (await comms.nextDebug(`${node}-completed`, { since: good })).payload.should.equal('good');
      comms
        .debugFrom(`${node}-caught`, since)
        .map((m) => m.payload)
        .should.eql([code], `${node}: Catch once`);
      comms
        .debugFrom(`${node}-completed`, since)
        .map((m) => m.payload)
        .should.eql(['good'], `${node}: Complete once`);
    }
  });

  it('a wrong password: "login refused — next try in 5 min", and a message fails at once with ELOGIN', async function () {
    const { api, comms } = stack;
    const since = await stack.deploy(flows());
    const status = await comms.nextStatus('locked', (s) => s.fill === 'red', { since });
    status.text.should.equal('login refused — next try in 5 min');
    await api.inject('locked-send');
    // The connection's timeout is 30 s: a message that waited for it would miss this wait.
    (await comms.nextDebug('locked-caught', { since, timeout: 3000 })).payload.should.equal('ELOGIN');
    comms.debugFrom('locked-completed', since).should.eql([]);
  });
});

'use strict';
// The README "Bad input" table, row by row, through the nodes: each bad input reaches a Catch
// node with a clear message (and msg.routeros.error.code), the node shows it, and nothing else
// breaks: the next good message through the same node (or a node on a healthy connection)
// still works. Client-level tests of the same inputs live in test/client.test.js; some rows also
// have node tests in test/nodes/command.test.js and test/nodes/listen-cancel.test.js.
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
require('should');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');
const {
  helper,
  startSimulator,
  nodesWithTls,
  connectionConfig,
  tabFlow,
  commandNode,
  listenNode,
  loadFlow,
  nextMessage,
  statusMatching,
  statusNowOrNext,
  CERTS,
  TEST_CERTS,
} = require('./helpers');

const PASSWORD = 'Right-Pa55';
const WRONG = 'Wr0ng-Pa55';

/** Input rows: sent to one node; the error expected at Catch; a good message for the same node after. */
const INPUT_ROWS = [
  {
    row: 'missing command',
    node: 'cmd',
    msg: { payload: 1 },
    code: 'EINPUT',
    error: /^InputError: no command: set one in the node or send it as msg\.command \(e\.g\. "\/interface\/print"\)$/,
  },
  {
    row: 'non-string command',
    node: 'cmd',
    msg: { command: 42 },
    code: 'EINPUT',
    error: /^InputError: command must be a string such as "\/interface\/print", got number 42$/,
  },
  {
    row: 'command without a leading "/"',
    node: 'cmd',
    msg: { command: 'interface/print' },
    code: 'EINPUT',
    error: /^InputError: command "interface\/print" must start with "\/", as in "\/interface\/print"$/,
  },
  {
    row: 'command that is not a menu path',
    node: 'cmd',
    msg: { command: '/interface/print;reboot' },
    code: 'EINPUT',
    error: /^InputError: command "\/interface\/print;reboot" is not a RouterOS menu path/,
  },
  {
    row: 'attribute name with "="',
    node: 'cmd',
    msg: { command: '/ip/address/add', attributes: { 'bad=name': 'x' } },
    code: 'EINPUT',
    error: /^InputError: attribute name "bad=name" must not contain "="$/,
  },
  {
    row: 'empty attribute name',
    node: 'cmd',
    msg: { command: '/ip/address/add', attributes: { '': 'x' } },
    code: 'EINPUT',
    error: /^InputError: attribute name is empty$/,
  },
  {
    row: 'non-scalar attribute value',
    node: 'cmd',
    msg: { command: '/ip/address/add', attributes: { comment: { a: 1 } } },
    code: 'EINPUT',
    error: /^InputError: attribute "comment" must be a string, number or boolean, got an object$/,
  },
  {
    row: 'msg.attributes not an object',
    node: 'cmd',
    msg: { command: '/ip/address/add', attributes: 'address=1.2.3.4' },
    code: 'EINPUT',
    error: /^InputError: msg\.attributes must be an object of name → value$/,
  },
  {
    row: 'query word without "?"',
    node: 'cmd',
    msg: { command: '/interface/print', queries: ['name=ether1'] },
    code: 'EINPUT',
    error: /^InputError: query "name=ether1" must be a string such as "\?name=ether1"$/,
  },
  {
    row: 'unknown tag to cancel',
    node: 'cancel',
    msg: { tag: 'nothing-here' },
    code: 'ENOTAG',
    error: /^InputError: no running command with tag "nothing-here"$/,
  },
  {
    row: 'cancel without a tag',
    node: 'cancel',
    msg: { payload: 'x' },
    code: 'EINPUT',
    error: /^InputError: no tag to cancel: set one in the node or send it as msg\.tag$/,
  },
  {
    row: 'tag that is not printable ASCII',
    node: 'listenD',
    msg: { tag: 'тег' },
    code: 'EINPUT',
    error: /^InputError: tag "тег" must be printable ASCII \(letters, digits, spaces, punctuation\)$/,
  },
  {
    row: 'duplicate listen tag',
    node: 'listenB',
    msg: { payload: 'start' },
    code: 'ETAGINUSE',
    error: /^InputError: tag "same" is already in use by a running command$/,
  },
];

describe('bad input: each README row reaches a Catch node and nothing else breaks', function () {
  let sims = [];
  let httpServer;
  let sshServer;

  useUnhandledRejectionGuard();
  afterEach(async function () {
    await helper.unload();
    for (const sim of sims) await sim.stop();
    sims = [];
    for (const server of [httpServer, sshServer]) if (server) await new Promise((resolve) => server.close(resolve));
    httpServer = sshServer = undefined;
  });

  async function simulator(options) {
    const sim = await startSimulator(options);
    sims.push(sim);
    return sim;
  }

  it('input rows: a clear error to Catch, a red status, and the next good message works', async function () {
    const sim = await simulator();
    await loadFlow(
      sim.port,
      [
        commandNode('cmd', '', 'oneshot'),
        { id: 'cancel', type: 'routeros-cancel', connection: 'conn', tag: '' },
        listenNode('listenA', 'same'),
        listenNode('listenB', 'same', { autoStart: false }),
        listenNode('listenC', 'other', { autoStart: false }),
        listenNode('listenD', '', { autoStart: false }),
      ],
      { nodeSet: nodesWithTls },
    );
    await statusMatching('listenA', (s) => s.fill === 'green');
    const good = {
      cmd: async () => {
        const out = nextMessage('out');
        helper.getNode('cmd').receive({ command: '/system/identity/print', keep: 'good' });
        (await out).payload.should.eql({ name: 'MikroTik' });
      },
      cancel: async () => {
        // A cancel that names a running stream works; the stream is then started again.
        const stopped = statusMatching('listenA', (s) => s.text === 'routeros-listen.status.stopped');
        const out = nextMessage('out');
        helper.getNode('cancel').receive({ tag: 'same' });
        (await out).payload.should.eql({ tag: 'same', cancelled: true });
        await stopped;
        const running = statusMatching('listenA', (s) => s.fill === 'green');
        helper.getNode('listenA').receive({ payload: 'start' });
        await running;
      },
      listenB: async () => {
        // Another listen node with its own tag starts fine beside the first.
        const running = statusMatching('listenC', (s) => s.fill === 'green');
        helper.getNode('listenC').receive({ payload: 'start' });
        await running;
        helper.getNode('listenC').receive({ payload: 'stop' });
      },
      listenD: async () => {
        const running = statusMatching('listenD', (s) => s.fill === 'green');
        helper.getNode('listenD').receive({ tag: 'plain-tag' });
        await running;
        helper.getNode('listenD').receive({ payload: 'stop' });
      },
    };
    for (const row of INPUT_ROWS) {
      const caught = nextMessage('caught');
      const red = statusMatching(row.node, (s) => s.fill === 'red');
      helper.getNode(row.node).receive({ ...row.msg, mine: row.row });
      const msg = await caught;
      msg.error.message.should.match(row.error, row.row);
      msg.error.source.id.should.equal(row.node);
      msg.routeros.error.code.should.equal(row.code, row.row);
      msg.mine.should.equal(row.row); // the failing message itself, with its own properties
      (await red).text.length.should.be.belowOrEqual(48);
      await good[row.node]();
    }
    // The shared connection was never dropped by any of it.
    sim.totalConnections.should.equal(1);
  });

  it('connection rows: wrong password, unknown host, TLS certificate mismatch, not a RouterOS (HTTP, SSH): clear errors, healthy neighbours', async function () {
    const good = await simulator();
    const locked = await simulator({ password: PASSWORD });
    const wrongCert = await simulator({
      tls: {
        key: fs.readFileSync(path.join(TEST_CERTS, 'other-key.pem')),
        cert: fs.readFileSync(path.join(TEST_CERTS, 'other.pem')),
      },
    });
    httpServer = http.createServer((req, res) => res.end('hello'));
    await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const httpPort = httpServer.address().port;
    // Like sshd: a banner first, then a complaint about our bytes, then goodbye.
    sshServer = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write('SSH-2.0-OpenSSH_9.6\r\n');
      socket.once('data', () => socket.end('Invalid SSH identification string.\r\n'));
    });
    await new Promise((resolve) => sshServer.listen(0, '127.0.0.1', resolve));

    const cmd = (id, connection) => commandNode(id, '/system/identity/print', 'oneshot', { connection });
    await helper.load(
      nodesWithTls,
      tabFlow(
        [
          connectionConfig('good', good.port),
          connectionConfig('badpw', locked.port, { timeout: '30' }),
          connectionConfig('nohost', 8728, { host: 'no-such-router.invalid', timeout: '30' }),
          connectionConfig('tlsbad', wrongCert.port, { useTls: true, tlsConfig: 'tls-ca', timeout: '30' }),
          connectionConfig('nothttp', httpPort, { timeout: '30' }),
          connectionConfig('notssh', sshServer.address().port, { timeout: '30' }),
          {
            id: 'tls-ca',
            type: 'tls-config',
            name: 'test CA',
            cert: '',
            key: '',
            ca: path.join(CERTS, 'ca.pem'),
            verifyservercert: true,
          },
        ],
        [
          cmd('cmdGood', 'good'),
          cmd('cmdBadPw', 'badpw'),
          cmd('cmdNoHost', 'nohost'),
          cmd('cmdTls', 'tlsbad'),
          cmd('cmdHttp', 'nothttp'),
          cmd('cmdSsh', 'notssh'),
        ],
      ),
      {
        good: { password: '' },
        badpw: { password: WRONG },
        nohost: { password: '' },
        tlsbad: { password: '' },
        nothttp: { password: '' },
      },
    );

    // Each fails in a way waiting cannot fix: a message sent after the first failed attempt
    // fails at once with that attempt's own error and code. The connections' timeout is 30 s,
    // so a message that waited for it would miss the 3 s the test gives it.
    const rows = [
      {
        row: 'wrong password',
        node: 'cmdBadPw',
        // The test helper loads no catalogs: the status is the key of "login refused — next try in 5 min".
        status: /^routeros-connection\.status\.loginRefused$/,
        error: /^LoginError: login to 127\.0\.0\.1:\d+ as "admin" refused: invalid user name or password \(6\)$/,
        code: /^ELOGIN$/,
      },
      {
        row: 'unknown host',
        node: 'cmdNoHost',
        status: /^(unknown host|host name lookup failed)$/,
        error: /^ConnectError: cannot connect to no-such-router\.invalid:8728: (unknown host|host name lookup failed)$/,
        code: /^(ENOTFOUND|EAI_AGAIN)$/,
      },
      {
        row: 'TLS certificate mismatch',
        node: 'cmdTls',
        status: /^TLS certificate check failed: /,
        error:
          /^ConnectError: cannot connect to 127\.0\.0\.1:\d+: TLS certificate check failed: Hostname\/IP does not match certificate's altnames/,
        code: /^ETLS$/,
      },
      {
        row: 'not a RouterOS (HTTP server)',
        node: 'cmdHttp',
        status: /^login failed: the peer is not a RouterOS API/,
        error:
          /^LoginError: login to 127\.0\.0\.1:\d+ as "admin" failed: the peer is not a RouterOS API \(it sent "HTTP\/1\.1 400 Bad Request/,
        code: /^ENOTROUTEROS$/,
      },
      {
        row: 'not a RouterOS (SSH server)',
        node: 'cmdSsh',
        status: /^login failed: the peer is not a RouterOS API/,
        error:
          /^LoginError: login to 127\.0\.0\.1:\d+ as "admin" failed: the peer is not a RouterOS API \(it sent "SSH-2\.0-OpenSSH_9\.6\.\.Invalid SSH identif"\)/,
        code: /^ENOTROUTEROS$/,
      },
    ];
    for (const row of rows) {
      const status = await statusNowOrNext(row.node, (s) => s.fill === 'red', 5000);
      status.text.should.match(row.status, `${row.row}: ${status.text}`);
      const caught = nextMessage('caught', 3000);
      helper.getNode(row.node).receive({ mine: row.row });
      const msg = await caught;
      msg.error.message.should.match(row.error, row.row);
      msg.routeros.error.code.should.match(row.code, row.row);
      msg.mine.should.equal(row.row);
      JSON.stringify(msg).should.not.containEql(WRONG);
      // A node on the healthy connection is not affected.
      const out = nextMessage('out');
      helper.getNode('cmdGood').receive({});
      (await out).payload.should.eql({ name: 'MikroTik' });
    }
    JSON.stringify(helper.log().args).should.not.containEql(WRONG);
    good.openConnections.should.equal(1);
  });

  it('a node without a connection config says so', async function () {
    await helper.load(
      nodesWithTls,
      tabFlow([], [{ id: 'lonely', type: 'routeros-command', command: '/system/identity/print', mode: 'oneshot' }]),
    );
    const caught = nextMessage('caught');
    helper.getNode('lonely').receive({});
    const msg = await caught;
    msg.error.message.should.equal('InputError: no RouterOS connection is configured for this node');
    msg.routeros.error.code.should.equal('ENOCONNECTION');
  });
});

'use strict';
// Security: API-SSL verifies the router's certificate unless a tls-config node turns it off
// (and then the connection node warns, once); the password never shows up in logs, status,
// debug output, errors or the deployed flow; and the pack installs no process-wide
// 'unhandledRejection' / 'uncaughtException' handler that would hide bugs.
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { execFileSync } = require('node:child_process');
require('should');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');
const { waitFor } = require('../helpers/wait');
const {
  helper,
  startSimulator,
  unloadAndStop,
  nodesWithTls,
  connectionConfig,
  commandNode,
  listenNode,
  flowOn,
  loadFlow,
  nextMessage,
  collect,
  statusMatching,
  statusNowOrNext,
  logLinesOf,
  recordDone,
  CERTS,
  TEST_CERTS,
} = require('./helpers');

const ROOT = path.join(__dirname, '..', '..');
const CA_FILE = path.join(CERTS, 'ca.pem');
const SECRET = 'Zq8-uNiQue-S3cret!';
const WRONG_SECRET = 'Xv3-0ther-S3cret?';
const OTHER_TLS = () => ({
  key: fs.readFileSync(path.join(TEST_CERTS, 'other-key.pem')),
  cert: fs.readFileSync(path.join(TEST_CERTS, 'other.pem')),
});
const WARN_KEY = 'routeros-connection.warn.tls-unverified';

useUnhandledRejectionGuard();

describe('security: TLS certificates', function () {
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  function tlsConfig(extra) {
    return {
      id: 'tls1',
      type: 'tls-config',
      name: 'test TLS',
      cert: '',
      key: '',
      ca: '',
      verifyservercert: true,
      ...extra,
    };
  }
  const ident = commandNode('cmd', '/system/identity/print', 'oneshot');

  async function deploy(connection, configs) {
    await loadFlow(sim.port, [ident], { connection, configs, nodeSet: nodesWithTls });
  }

  function warnings() {
    return logLinesOf(helper, 'conn').filter(([level, msg]) => level === helper.log().WARN && msg === WARN_KEY);
  }

  it('verifies by default: API-SSL with no tls-config refuses the (privately signed) certificate', async function () {
    sim = await startSimulator({ tls: true });
    await deploy({ useTls: true });
    const status = await statusNowOrNext('cmd', (s) => s.fill === 'red');
    status.text.should.match(/^TLS certificate check failed/);
    const caught = nextMessage('caught', 3000);
    helper.getNode('cmd').receive({});
    (await caught).error.message.should.match(
      /TLS certificate check failed: (self[- ]signed certificate|unable to verify)/,
    );
    warnings().should.have.length(0);
  });

  it('verifies with the CA from a tls-config node, and a tls-config without verifyservercert still verifies', async function () {
    sim = await startSimulator({ tls: true });
    await deploy({ useTls: true, tlsConfig: 'tls1' }, [tlsConfig({ ca: CA_FILE })]);
    await statusNowOrNext('cmd', (s) => s.fill === 'green');
    const out = nextMessage('out');
    helper.getNode('cmd').receive({});
    (await out).payload.should.eql({ name: 'MikroTik' });
    warnings().should.have.length(0);
    await unloadAndStop(sim);

    // A certificate for another name, signed by the trusted CA; the tls-config of an old flow
    // has no verifyservercert at all: verification stays on.
    sim = await startSimulator({ tls: OTHER_TLS() });
    const old = tlsConfig({ ca: CA_FILE });
    delete old.verifyservercert;
    await deploy({ useTls: true, tlsConfig: 'tls1' }, [old]);
    const status = await statusNowOrNext('cmd', (s) => s.fill === 'red');
    status.text.should.match(/^TLS certificate check failed: Hostname\/IP does/);
    warnings().should.have.length(0);
  });

  it('verifyservercert false turns checking off explicitly, and the connection node warns exactly once', async function () {
    sim = await startSimulator({ tls: OTHER_TLS() });
    await deploy({ useTls: true, tlsConfig: 'tls1' }, [tlsConfig({ verifyservercert: false })]);
    await statusNowOrNext('cmd', (s) => s.fill === 'green');
    // Reconnects reuse the options: no new warning.
    for (let i = 0; i < 2; i++) {
      const down = statusMatching('cmd', (s) => s.fill === 'red');
      sim.dropAll();
      await down;
      await statusMatching('cmd', (s) => s.fill === 'green', 5000);
    }
    const out = nextMessage('out');
    helper.getNode('cmd').receive({});
    (await out).payload.should.eql({ name: 'MikroTik' });
    const warned = warnings();
    warned.should.have.length(1);
    const line = helper
      .log()
      .args.map((a) => a[0])
      .find((e) => e && e.msg === WARN_KEY);
    line.level.should.equal(helper.log().WARN);
    const catalog = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'nodes/locales/en-US/routeros-connection.json'), 'utf8'),
    );
    catalog['routeros-connection'].warn['tls-unverified'].should.match(/does not verify/);
  });
});

describe('security: the password stays secret', function () {
  let sim;
  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  it('never appears in logs, status, debug output, Catch messages, errors or the deployed flow', async function () {
    sim = await startSimulator({ password: SECRET });
    const comms = [];
    const onComms = (event) => comms.push(event);
    helper._events.on('comms', onComms);
    const debug = (id) => ({
      id,
      type: 'debug',
      active: true,
      tosidebar: true,
      console: true,
      tostatus: true,
      complete: 'true',
      targetType: 'full',
      statusVal: '',
      statusType: 'auto',
      wires: [],
    });
    const flowJson = flowOn(
      sim.port,
      [
        commandNode('cmd', '', 'oneshot', { wires: [['out', 'dbgOut']] }),
        commandNode('bad', '/system/identity/print', 'oneshot', { connection: 'wrong' }),
        listenNode('listen', 'u', { command: '/user/active/listen', wires: [['dbgOut']] }),
        debug('dbgOut'),
        debug('dbgCaught'),
      ],
      { configs: [connectionConfig('wrong', sim.port)] },
    );
    // The catch node also feeds a debug node.
    flowJson.find((n) => n.id === 'catch').wires = [['caught', 'dbgCaught']];
    let done;
    try {
      await helper.load(nodesWithTls, flowJson, { conn: { password: SECRET }, wrong: { password: WRONG_SECRET } });
      const caught = collect('caught');
      const outs = collect('out');
      done = recordDone('cmd');
      await statusNowOrNext('cmd', (s) => s.fill === 'green');
      await statusNowOrNext('bad', (s) => s.fill === 'red');

      // Every kind of outcome: success, trap, input error, login failure, timeout, lost connection.
      // Each message is sent once the one before it is done.
      const send = async (msg) => {
        const before = done.length;
        helper.getNode('cmd').receive(msg);
        await waitFor(() => done.length > before, 3000, `done for ${JSON.stringify(msg)}`);
      };
      await send({ command: '/system/identity/print' });
      await send({ command: '/user/active/print' });
      await send({ command: '/no/such/menu/print' });
      await send({ command: '/ip/address/add', attributes: { address: 'nope' } });
      await send({ command: 'no-slash', attributes: { comment: 'x' } });
      helper.getNode('bad').receive({});
      await waitFor(() => caught.length >= 3, 3000);
      sim.faults.replyDelayMs = 1200;
      await send({ command: '/system/identity/print' });
      await waitFor(() => caught.length >= 4, 3000);
      sim.faults.replyDelayMs = 0;
      sim.dropAll();
      await statusMatching('cmd', (s) => s.fill === 'green', 5000);
      await send({ command: '/system/identity/print' });
      await waitFor(() => outs.length >= 3, 3000);

      const session = helper.getNode('wrong').session;
      const places = {
        logs: helper.log().args,
        statuses: helper._NodePrototype.status.getCalls().map((c) => c.args),
        debug: comms,
        caught,
        outs,
        flows: helper._redNodes.getFlows(),
        'error objects': caught.map((m) => util.inspect(m.error, { depth: 5 })),
        'last session error': util.inspect(session && session.lastError, { depth: 5 }),
      };
      for (const [where, value] of Object.entries(places)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        text.should.not.containEql(SECRET, `the password leaked into ${where}`);
        text.should.not.containEql(WRONG_SECRET, `the wrong password leaked into ${where}`);
      }
      // The checks looked at something: debug output and errors did happen.
      comms.filter((e) => e.topic === 'debug').length.should.be.aboveOrEqual(4);
      caught.length.should.be.aboveOrEqual(4);
      caught.some((m) => /invalid user name or password/.test(m.error.message)).should.be.true();
      // The credentials are where Node-RED keeps them, and only there.
      helper.getNode('conn').credentials.password.should.equal(SECRET);
    } finally {
      helper._events.off('comms', onComms);
      if (done) done.stop();
    }
  });
});

describe('security: no process-wide handler hides bugs', function () {
  const HANDLER =
    /process\s*\.\s*(on|once|addListener|prependListener|prependOnceListener)\s*\(\s*['"`](unhandledRejection|uncaughtException|uncaughtExceptionMonitor)['"`]/;
  const CAPTURE = /setUncaughtExceptionCaptureCallback/;

  function filesUnder(dir, ext) {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), ext) : [path.join(dir, e.name)]))
      .filter((f) => f.endsWith(ext));
  }

  it('src/, dist/ and nodes/ contain no unhandledRejection / uncaughtException handler', function () {
    const files = [
      ...filesUnder(path.join(ROOT, 'src'), '.ts'),
      ...filesUnder(path.join(ROOT, 'dist'), '.js'),
      ...filesUnder(path.join(ROOT, 'nodes'), '.js'),
    ];
    files.length.should.be.above(40);
    const offenders = files.filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return HANDLER.test(text) || CAPTURE.test(text);
    });
    offenders.should.eql([]);
  });

  it('loading every module of the pack adds no such listener (checked in a fresh process)', function () {
    const script = `
      const fs = require('fs'), path = require('path');
      const events = ['unhandledRejection', 'uncaughtException', 'uncaughtExceptionMonitor'];
      const count = () => events.map((e) => process.listenerCount(e)).join(',');
      const before = count();
      const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.js') ? [path.join(d, e.name)] : []);
      let loaded = 0;
      for (const f of walk(path.join(process.cwd(), 'dist'))) { require(f); loaded++; }
      for (const f of fs.readdirSync('nodes').filter((n) => n.endsWith('.js'))) { require(path.resolve('nodes', f)); loaded++; }
      console.log(JSON.stringify({ before, after: count(), loaded }));
    `;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
    result.loaded.should.be.above(40);
    result.after.should.equal(result.before);
  });
});

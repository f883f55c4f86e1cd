'use strict';
// Editor completion (issue 9): the admin endpoint GET /routeros-api/inspect asks a deployed
// connection's router with /console/inspect and falls back to the bundled list of RouterOS 7
// menus when it cannot; the simulator answers /console/inspect for its own tree.
require('should');
const { helper, allNodes, flow, startSimulator, unloadAndStop } = require('./setup');
const { waitFor } = require('../helpers/wait');
const { createScriptedServer } = require('../../dist/simulator');
const { connect } = require('../../dist/client');
const { inspectChildren, parseInspectChildren, inspectPathValue } = require('../../dist/client/inspect');
const { bundledChildren } = require('../../dist/nodes/shared/menu-paths');
const { parseMenuPath } = require('../../dist/nodes/shared/inspect-endpoint');
const connectionModule = require('../../nodes/routeros-connection.js');

const ROUTE = '/routeros-api/inspect';
const names = (items, type) => items.filter((i) => !type || i.type === type).map((i) => i.name);

const waitUntil = (predicate, what, timeout = 5000) => waitFor(predicate, timeout, what);

/** A deployed connection with one user (a command node), so its session opens. */
async function loadWithRouter(sim, { nodes = allNodes, connection, credentials } = {}) {
  const flows = flow(sim, [{ id: 'cmd', type: 'routeros-command', command: '/system/identity/print' }]);
  if (connection)
    Object.assign(
      flows.find((n) => n.id === 'conn'),
      connection,
    );
  await helper.load(nodes, flows, credentials || {});
}

function connected() {
  const conn = helper.getNode('conn');
  return !!(conn && conn.session && conn.session.connected);
}

function get(query) {
  return helper.request().get(ROUTE).query(query);
}

describe('editor completion: /console/inspect and the admin endpoint', function () {
  let sim;
  let commands;

  beforeEach(async function () {
    sim = await startSimulator({ password: 'sekret-pw' });
    commands = [];
    sim.on('command', (event) => commands.push(event.words));
  });

  afterEach(async function () {
    await unloadAndStop(sim);
    sim = undefined;
  });

  describe('the simulator answers /console/inspect request=child', function () {
    let client;
    afterEach(async function () {
      if (client) await client.close();
      client = undefined;
    });

    it('with a self row, then one row per child with name, node-type and type', async function () {
      client = await connect({ host: '127.0.0.1', port: sim.port, username: 'admin', password: 'sekret-pw' });
      const { rows } = await client.call('/console/inspect', { attributes: { request: 'child', path: 'ip,address' } });
      rows[0].should.eql({ name: 'address', 'node-type': 'dir', type: 'self' });
      rows.slice(1).should.containDeep([
        { name: 'add', 'node-type': 'cmd', type: 'child' },
        { name: 'print', 'node-type': 'cmd', type: 'child' },
      ]);
      // The console tree has no API-only words.
      rows.map((r) => r.name).should.not.containEql('listen');
      rows.map((r) => r.name).should.not.containEql('getall');

      const root = (await client.call('/console/inspect', { attributes: { request: 'child', path: '' } })).rows;
      root[0].should.have.properties({ type: 'self', name: '' });
      root.should.containDeep([
        { name: 'ip', 'node-type': 'path', type: 'child' },
        { name: 'interface', 'node-type': 'dir', type: 'child' },
        { name: 'ping', 'node-type': 'cmd', type: 'child' },
      ]);

      const add = (await client.call('/console/inspect', { attributes: { request: 'child', path: 'ip,address,add' } }))
        .rows;
      add[0].should.eql({ name: 'add', 'node-type': 'cmd', type: 'self' });
      add
        .slice(1)
        .map((r) => r['node-type'])
        .should.matchEach('arg');
      add
        .slice(1)
        .map((r) => r.name)
        .should.eql(['address', 'comment', 'disabled', 'interface', 'network']);

      (await client.call('/console/inspect', { attributes: { request: 'child', path: 'no,such' } })).rows.should.eql(
        [],
      );
      await client
        .call('/console/inspect', { attributes: { request: 'bogus' } })
        .should.be.rejectedWith({ code: 'ETRAP' });
    });

    it('and the client reads it as menus, commands and arguments', async function () {
      client = await connect({ host: '127.0.0.1', port: sim.port, username: 'admin', password: 'sekret-pw' });
      (await inspectChildren(client, ['tool'])).should.eql([{ name: 'ping', type: 'command' }]);
      (() => inspectPathValue(['ip', 'address,add'])).should.throw({ code: 'EINSPECTPATH' });
      (() => inspectPathValue(['ip address'])).should.throw({ code: 'EINSPECTPATH' });
      // Builds that carry the kind in `type` instead of `node-type` are read too.
      parseInspectChildren([
        { type: 'self', name: 'x', 'node-type': 'dir' },
        { type: 'arg', name: 'mtu' },
        { type: 'child', name: 'sub', 'node-type': 'path' },
        { type: 'child', name: 'print', 'node-type': 'cmd' },
        { type: 'child', name: 'odd', 'node-type': 'something-new' },
      ]).should.eql([
        { name: 'sub', type: 'menu' },
        { name: 'print', type: 'command' },
        { name: 'mtu', type: 'argument' },
      ]);
    });
  });

  describe('GET /routeros-api/inspect', function () {
    it('answers the root, a menu and a command from the router, running only /console/inspect', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      await waitUntil(connected, 'the connection');
      const before = commands.length;

      const root = (await get({ connection: 'conn', path: '/' }).expect(200)).body;
      root.should.have.properties({ source: 'router', path: '/' });
      root.should.not.have.property('reason');
      root.items.should.containDeep([
        { name: 'interface', type: 'menu' },
        { name: 'ip', type: 'menu' },
        { name: 'system', type: 'menu' },
        { name: 'ping', type: 'command' },
      ]);
      // menus first, then commands
      const kinds = root.items.map((i) => i.type);
      kinds.lastIndexOf('menu').should.be.below(kinds.indexOf('command'));

      const menu = await get({ connection: 'conn', path: '/ip/address' }).expect(200);
      menu.headers['cache-control'].should.equal('no-store');
      menu.body.source.should.equal('router');
      names(menu.body.items, 'command').should.eql(['add', 'listen', 'print', 'remove', 'set']);

      const args = (await get({ connection: 'conn', path: 'ip/address/add' }).expect(200)).body;
      args.should.have.properties({ source: 'router', path: '/ip/address/add' });
      names(args.items, 'argument').should.eql(['address', 'comment', 'disabled', 'interface', 'network']);

      // print's `proplist` is the dialog's Properties field, not an attribute to suggest
      const print = (await get({ connection: 'conn', path: '/interface/print' }).expect(200)).body;
      names(print.items).should.eql(['count-only', 'follow', 'follow-only']);

      const sent = commands.slice(before);
      sent.map((words) => words[0]).should.matchEach('/console/inspect');
      sent[0].should.containEql('=request=child');
      sent
        .map((words) => words.find((w) => w.startsWith('=path=')))
        .should.eql(['=path=', '=path=ip,address', '=path=ip,address,add', '=path=interface,print']);
      // names only: nothing about the connection's settings or credentials
      JSON.stringify([root, menu.body, args, print]).should.not.match(/sekret|admin|127\.0\.0\.1/);
    });

    it('caches the router answer per connection and path', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      await waitUntil(connected, 'the connection');
      const before = commands.length;
      await get({ connection: 'conn', path: '/interface' }).expect(200);
      await get({ connection: 'conn', path: '/interface' }).expect(200);
      await get({ connection: 'conn', path: 'interface' }).expect(200);
      commands.length.should.equal(before + 1);
      await get({ connection: 'conn', path: '/user' }).expect(200);
      commands.length.should.equal(before + 2);
    });

    it('200 with the bundled list for a connection that is not deployed yet (a new flow)', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      const missing = (await get({ connection: 'abc123', path: '/ip' }).expect(200)).body;
      missing.should.eql({ source: 'bundled', path: '/ip', reason: 'not-deployed', items: bundledChildren(['ip']) });
      names(missing.items, 'menu').should.containDeep(['address', 'firewall', 'route']);
      commands.filter((w) => w[0] === '/console/inspect').should.have.length(0);
    });

    it('400 for the id of a deployed node that is no connection', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      (await get({ connection: 'cmd', path: '/ip' }).expect(400)).body.should.eql({ error: 'not-a-connection' });
    });

    it('400 for a path with anything but menu names, and for a malformed id', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      const bad = [
        '/ip/address;/system/reboot',
        '/ip/../system',
        '/IP/address',
        '/ip address',
        'ip,address',
        '/ip//address',
        '/ip/address/',
        '/ip/=x',
        '/ip/.proplist',
        '/' + 'a/'.repeat(20) + 'a',
      ];
      for (const p of bad) {
        const res = await get({ connection: 'conn', path: p });
        res.status.should.equal(400, p);
        res.body.should.eql({ error: 'bad-path' });
      }
      (await helper.request().get(`${ROUTE}?connection=conn&path=/ip&path=/x`).expect(400)).body.error.should.equal(
        'bad-path',
      );
      (await get({ connection: 'conn id', path: '/ip' }).expect(400)).body.error.should.equal('bad-connection');
      commands.filter((w) => w[0] === '/console/inspect').should.have.length(0);
    });

    it('answers from the bundled list without a connection', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      const body = (await get({ path: '/system' }).expect(200)).body;
      body.should.have.properties({ source: 'bundled', reason: 'no-connection', path: '/system' });
      names(body.items, 'menu').should.containDeep(['identity', 'resource', 'script']);
      names(body.items, 'command').should.containDeep(['reboot']);
    });

    it('a slow router: the bundled list after the short timeout, not a hang', async function () {
      // A connection timeout far beyond this test's: only the endpoint's own short timeout
      // (2 s) can answer "timeout" in time.
      await loadWithRouter(sim, { connection: { timeout: '60' }, credentials: { conn: { password: 'sekret-pw' } } });
      await waitUntil(connected, 'the connection');
      sim.faults.stall = true;
      const body = (await get({ connection: 'conn', path: '/ip/address' }).expect(200)).body;
      body.should.have.properties({ source: 'bundled', reason: 'timeout' });
      names(body.items, 'command').should.containDeep(['add', 'listen', 'print']);
      sim.faults.stall = false;
    });

    // "At once": the reason shows the endpoint did not ask the router or wait for it (that
    // would answer "timeout" after 2 s, or from the router), so no clock is needed.
    it('a dead router: the bundled list at once', async function () {
      await loadWithRouter(sim, { credentials: { conn: { password: 'sekret-pw' } } });
      await waitUntil(connected, 'the connection');
      await sim.stop();
      sim = undefined;
      await waitUntil(() => !connected(), 'the connection to drop');
      const body = (await get({ connection: 'conn', path: '/interface' }).expect(200)).body;
      body.should.have.properties({ source: 'bundled', reason: 'not-connected' });
      names(body.items, 'command').should.containDeep(['listen', 'print', 'set']);
    });

    it('a router that never answered the connection: the bundled list at once', async function () {
      const closed = await startSimulator();
      const port = closed.port;
      await closed.stop();
      await loadWithRouter(sim, { connection: { port: String(port) } });
      const body = (await get({ connection: 'conn', path: '/' }).expect(200)).body;
      body.should.have.properties({ source: 'bundled', reason: 'not-connected' });
      names(body.items, 'menu').should.containDeep(['interface', 'ip', 'system', 'tool']);
    });

    describe('RouterOS 6 (no /console/inspect)', function () {
      let v6;
      afterEach(async function () {
        if (v6) await v6.stop();
        v6 = undefined;
      });

      it('answers from the bundled list and remembers that the router cannot inspect', async function () {
        v6 = createScriptedServer([
          { expect: ['/login', '=name=admin', '=password=', '.tag=*'], reply: [['!done', '.tag=*']] },
          {
            expect: ['/console/inspect', '=request=child', '=path=ip', '.tag=*'],
            // What a 6.49 router answered to /console/inspect (quiqxiq/goros docs/RESEARCH.md §2).
            reply: [
              ['!trap', '=message=no such command', '.tag=*'],
              ['!done', '.tag=*'],
            ],
          },
        ]);
        await v6.start();
        await loadWithRouter(sim, { connection: { port: String(v6.port) } });
        await waitUntil(connected, 'the connection');
        const body = (await get({ connection: 'conn', path: '/ip' }).expect(200)).body;
        body.should.have.properties({ source: 'bundled', reason: 'unsupported' });
        names(body.items, 'menu').should.containDeep(['address', 'route']);
        await v6.finished;
        // cached: a second look does not ask the router again (the script would reject it)
        (await get({ connection: 'conn', path: '/ip' }).expect(200)).body.reason.should.equal('unsupported');
        v6.received.filter((w) => w[0] === '/console/inspect').should.have.length(1);
      });
    });

    describe('with adminAuth on', function () {
      // The test helper gives nodes a RED.auth whose needsPermission lets every request through
      // (its runtime has no admin API: @node-red/registry lib/util.js createNodeApi). So these
      // tests hand the connection module Node-RED's real editor-api auth, set up with adminAuth
      // as a Node-RED started with these settings would do; test/e2e/completion.test.js checks
      // the same against a real Node-RED process.
      const auth = require('@node-red/editor-api/lib/auth');
      const adminAuth = {
        type: 'credentials',
        users: [
          { username: 'reader', password: 'x', permissions: 'read' },
          { username: 'nodes-only', password: 'x', permissions: 'nodes.read' },
          { username: 'flows-reader', password: 'x', permissions: 'flows.read' },
        ],
        tokens: [
          { token: 'reader-token', user: 'reader', scope: ['read'] },
          { token: 'nodes-token', user: 'nodes-only', scope: ['nodes.read'] },
          { token: 'flows-token', user: 'flows-reader', scope: ['flows.read'] },
        ],
      };
      const withRealAuth = (RED) => {
        RED.auth = auth;
        return connectionModule(RED);
      };
      const nodes = allNodes.map((m) => (m === connectionModule ? withRealAuth : m));

      beforeEach(async function () {
        const sessions = { getSessions: async () => ({}), saveSessions: async () => undefined };
        await auth.init({ adminAuth }, sessions);
        helper.settings({ adminAuth });
      });
      afterEach(async function () {
        await auth.init({}, undefined);
        helper.settings({});
      });

      it('401 without a token or without flows.read; 200 for a user who may read flows', async function () {
        await loadWithRouter(sim, { nodes, credentials: { conn: { password: 'sekret-pw' } } });
        await waitUntil(connected, 'the connection');
        await get({ connection: 'conn', path: '/' }).expect(401);
        await get({ connection: 'conn', path: '/' }).set('Authorization', 'Bearer wrong').expect(401);
        await get({ connection: 'conn', path: '/' }).set('Authorization', 'Bearer nodes-token').expect(401);
        const ok = await get({ connection: 'conn', path: '/' }).set('Authorization', 'Bearer reader-token').expect(200);
        ok.body.source.should.equal('router');
        await get({ connection: 'conn', path: '/ip' }).set('Authorization', 'Bearer flows-token').expect(200);
        commands.filter((w) => w[0] === '/console/inspect').should.have.length(2);
      });
    });
  });

  describe('the bundled list', function () {
    it('knows common RouterOS 7 menus, their commands and some arguments', function () {
      const root = bundledChildren([]);
      names(root, 'menu').should.containDeep(['interface', 'ip', 'ipv6', 'routing', 'system', 'tool', 'user']);
      names(root, 'command').should.eql(['ping']);
      names(bundledChildren(['ip', 'firewall']), 'menu').should.containDeep(['filter', 'nat', 'mangle']);
      names(bundledChildren(['ip', 'address']), 'command').should.containDeep([
        'add',
        'listen',
        'print',
        'remove',
        'set',
      ]);
      names(bundledChildren(['system', 'identity']), 'command').should.containDeep(['print', 'set', 'listen']);
      names(bundledChildren(['ip', 'address', 'add'])).should.containDeep(['address', 'interface', 'comment']);
      names(bundledChildren(['ip', 'address', 'set'])).should.containDeep(['address', 'numbers']);
      names(bundledChildren(['ping'])).should.containDeep(['address', 'count']);
      bundledChildren(['no', 'such']).should.eql([]);
      bundledChildren(['ip', 'address', 'add', 'address']).should.eql([]);
    });

    it('parses only menu paths', function () {
      parseMenuPath(undefined).should.eql([]);
      parseMenuPath('').should.eql([]);
      parseMenuPath('/').should.eql([]);
      parseMenuPath('/ip/address').should.eql(['ip', 'address']);
      parseMenuPath('interface/6to4').should.eql(['interface', '6to4']);
      (parseMenuPath(['/ip']) === undefined).should.be.true();
      (parseMenuPath('/ip/-x') === undefined).should.be.true();
    });
  });
});

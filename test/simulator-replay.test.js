'use strict';
// `routeros-simulator replay`: answers from a recording. A session recorded through the proxy
// from the simulator (as the "real" router) replays with the same answers to the same client
// calls; the rules (matching by command, never by tag; retagging; nth answer for the nth ask;
// !empty, !trap and order kept; streams open until /cancel; any login; no such command) are
// checked on small hand-written recordings; and the command line.
require('should');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const {
  RouterOSSimulator,
  RecordingProxy,
  ReplayServer,
  parseRecording,
  parseRecordArgs,
  parseReplayArgs,
  parseRouterAddress,
  REDACTED,
} = require('../dist/simulator');
const { connect, TrapError } = require('../dist/client');
const { RawSession } = require('./helpers/raw-session');
const { waitFor } = require('./helpers/wait');

const BIN = path.join(__dirname, '..', 'bin', 'routeros-simulator.js');

/** A recording from [connection, from, words] triples. */
function recordingOf(sentences, extra = {}) {
  return {
    format: 'routeros-api-recording',
    version: 1,
    ...extra,
    sentences: sentences.map(([connection, from, words], at) => ({ connection, from, at, words })),
  };
}

const LOGIN = [
  [1, 'client', ['/login', '=name=admin', `=password=${REDACTED}`]],
  [1, 'router', ['!done']],
];

/** The same client calls, made once through the recording proxy and once against the replay. */
async function clientCalls(api, listenTag) {
  const results = {};
  results.identity = await api.oneshot('/system/identity/print');
  results.interfaces = await api.array('/interface/print');
  results.ether = await api.array('/interface/print', { queries: ['?type=ether', '?mtu=1500'], proplist: 'name,mtu' });
  results.added = await api.oneshot('/ip/address/add', {
    attributes: { address: '198.51.100.7/24', interface: 'ether2', comment: 'replayed' },
  });
  results.addresses = await api.array('/ip/address/print');
  results.empty = await api.call('/ip/address/print', { queries: ['?comment=none'] });
  const trap = api.call('/ip/address/add', { attributes: { address: '198.51.100.8/24', interface: 'nope' } });
  results.trap = await trap.then(
    () => undefined,
    (err) => [err.name, err.message, err.category],
  );
  results.unknown = await api.call('/ip/adress/print').then(
    () => undefined,
    (err) => [err.name, err.message],
  );
  results.resources = await api.array('/system/resource/print', { proplist: 'version,cpu,board-name' });
  const events = [];
  const stream = api.stream(
    '/interface/listen',
    { proplist: 'name,disabled' },
    {
      tag: listenTag,
      onRow: (row) => events.push(row),
    },
  );
  await api.oneshot('/interface/set', { attributes: { '.id': 'ether2', disabled: 'true' } });
  await waitFor(() => events.length === 1);
  await api.cancel(listenTag);
  results.listen = { events, end: (await stream.done).cancelled };
  results.secondPrint = await api.array('/interface/print');
  return results;
}

describe('routeros-simulator replay', function () {
  let servers = [];
  let sessions = [];
  let dir;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routeros-replay-'));
  });
  afterEach(async function () {
    for (const s of sessions) s.destroy();
    sessions = [];
    for (const server of servers.reverse()) await server.stop();
    servers = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });
  async function started(server) {
    await server.start();
    servers.push(server);
    return server;
  }
  async function rawLoggedIn(server) {
    const s = await RawSession.connect({ port: server.port });
    sessions.push(s);
    (await s.login('anyone', 'anything')).should.eql([['!done']]);
    return s;
  }

  it('a session recorded from the simulator replays with the same answers to the same calls', async function () {
    const sim = await started(new RouterOSSimulator({ password: 'real-password' }));
    const out = path.join(dir, 'fixture.json');
    const proxy = await started(new RecordingProxy({ routerHost: '127.0.0.1', routerPort: sim.port, out }));
    const live = await connect({ host: '127.0.0.1', port: proxy.port, password: 'real-password' });
    const recorded = await clientCalls(live, 'watch');
    await live.close();
    await proxy.stop();
    fs.readFileSync(out, 'utf8').should.not.containEql('real-password');

    // The recording answers, not a router: the simulator is gone, the password was redacted.
    await sim.stop();
    const replay = await started(new ReplayServer(parseRecording(fs.readFileSync(out, 'utf8'))));
    const api = await connect({ host: '127.0.0.1', port: replay.port, password: 'not-the-password' });
    const replayed = await clientCalls(api, 'another-tag'); // a different tag: matching never uses it
    await api.close();

    replayed.should.eql(recorded);
    recorded.trap.should.eql(['TrapError', 'input does not match any value of interface', 1]);
    recorded.empty.rows.should.eql([]);
    recorded.listen.should.eql({ events: [{ name: 'ether2', disabled: 'true' }], end: true });
    // Two prints of /interface were recorded with different counters; each replays in turn.
    replayed.secondPrint[0]['rx-byte'].should.not.equal(replayed.interfaces[0]['rx-byte']);
  });

  it('matches by command, attributes and queries, never by tag; retags every reply', async function () {
    const replay = await started(
      new ReplayServer(
        recordingOf([
          ...LOGIN,
          [1, 'client', ['/interface/print', '=.proplist=name', '?type=ether', '.tag=r1']],
          [1, 'router', ['!re', '.tag=r1', '=name=ether1']], // tag second, as routers send it
          [1, 'router', ['!re', '=name=ether2', '.tag=r1']], // tag last, as the protocol page writes it
          [1, 'router', ['!done', '.tag=r1']],
          [1, 'client', ['/user/add', '=name=ops', `=password=${REDACTED}`, '=group=read']],
          [1, 'router', ['!done', '=ret=*5']],
        ]),
      ),
    );
    const s = await rawLoggedIn(replay);
    (await s.command(['/interface/print', '?type=ether', '.tag=mine', '=.proplist=name'])).should.eql([
      ['!re', '.tag=mine', '=name=ether1'],
      ['!re', '=name=ether2', '.tag=mine'],
      ['!done', '.tag=mine'],
    ]);
    (await s.command(['/interface/print', '=.proplist=name', '?type=ether'])).should.eql([
      ['!re', '=name=ether1'],
      ['!re', '=name=ether2'],
      ['!done'],
    ]);
    // Attribute order is free and a redacted value matches any; an untagged recording gets the tag second.
    (await s.command(['/user/add', '=group=read', '=password=whatever', '=name=ops', '.tag=u'])).should.eql([
      ['!done', '.tag=u', '=ret=*5'],
    ]);
    // A different attribute value, query or extra attribute is another command.
    for (const words of [
      ['/interface/print', '=.proplist=name', '?type=vlan', '.tag=x'],
      ['/interface/print', '?type=ether', '.tag=x'],
      ['/user/add', '=name=other', '=password=p', '=group=read', '.tag=x'],
    ]) {
      (await s.command(words)).should.eql([
        ['!trap', '.tag=x', '=category=0', '=message=no such command'],
        ['!done', '.tag=x'],
      ]);
    }
  });

  it('the n-th same command gets the n-th recorded answer, then the last again; !empty and !trap kept', async function () {
    const replay = await started(
      new ReplayServer(
        recordingOf([
          ...LOGIN,
          [1, 'client', ['/ip/address/print', '.tag=1']],
          [1, 'router', ['!empty', '.tag=1']],
          [1, 'router', ['!done', '.tag=1']],
          [1, 'client', ['/ip/address/add', '=address=198.51.100.1/24', '=interface=ether1', '.tag=2']],
          [1, 'router', ['!done', '.tag=2', '=ret=*1']],
          [1, 'client', ['/ip/address/add', '=address=198.51.100.1/24', '=interface=ether1', '.tag=3']],
          [1, 'router', ['!trap', '.tag=3', '=message=failure: already have such address']],
          [1, 'router', ['!done', '.tag=3']],
          [1, 'client', ['/ip/address/print', '.tag=4']],
          [1, 'router', ['!re', '.tag=4', '=.id=*1', '=address=198.51.100.1/24']],
          [1, 'router', ['!done', '.tag=4']],
        ]),
      ),
    );
    const api = await connect({ host: '127.0.0.1', port: replay.port });
    const add = () =>
      api.oneshot('/ip/address/add', { attributes: { interface: 'ether1', address: '198.51.100.1/24' } });
    (await api.array('/ip/address/print')).should.eql([]);
    (await add()).should.eql({ ret: '*1' });
    (await add().catch((e) => e)).should.be
      .instanceOf(TrapError)
      .and.have.property('message', 'failure: already have such address');
    (await add().catch((e) => e)).should.be.instanceOf(TrapError); // the last answer again
    (await api.array('/ip/address/print')).should.eql([{ '.id': '*1', address: '198.51.100.1/24' }]);
    (await api.array('/ip/address/print')).should.have.length(1);
    replay.rewind();
    (await api.array('/ip/address/print')).should.eql([]);
    await api.close();
  });

  it('a stream replays its recorded rows and stays open until /cancel', async function () {
    const replay = await started(
      new ReplayServer(
        recordingOf([
          ...LOGIN,
          [1, 'client', ['/ip/address/listen', '.tag=10']],
          [1, 'router', ['!re', '.tag=10', '=.id=*A', '=address=192.0.2.1/32']],
          [1, 'router', ['!re', '.tag=10', '=.id=*A', '=.dead=true']],
          [1, 'client', ['/cancel', '=tag=10', '.tag=20']],
          [1, 'router', ['!trap', '.tag=10', '=category=2', '=message=interrupted']],
          [1, 'router', ['!done', '.tag=20']],
          [1, 'router', ['!done', '.tag=10']],
          [2, 'client', ['/interface/listen', '.tag=x']], // a recording that stopped with the listen running
        ]),
      ),
    );
    const s = await rawLoggedIn(replay);
    s.send(['/ip/address/listen', '.tag=L']);
    (await s.next()).should.eql(['!re', '.tag=L', '=.id=*A', '=address=192.0.2.1/32']);
    (await s.next()).should.eql(['!re', '.tag=L', '=.id=*A', '=.dead=true']);
    s.send(['/interface/listen', '.tag=M']);
    // Both stay open, nothing more was recorded: the next sentences answer a later command.
    (await s.expectOnlyReplyTo(['/cancel', '=tag=nope', '.tag=c0'])).should.eql([
      ['!trap', '.tag=c0', '=category=0', '=message=no such command'],
      ['!done', '.tag=c0'],
    ]);
    (await s.command(['/cancel', '=tag=L', '.tag=c1'])).should.eql([['!done', '.tag=c1']]);
    (await s.untilDone('L')).should.eql([
      ['!trap', '.tag=L', '=category=2', '=message=interrupted'],
      ['!done', '.tag=L'],
    ]);
    (await s.command(['/cancel', '.tag=c2'])).should.eql([['!done', '.tag=c2']]);
    (await s.untilDone('M')).should.have.length(2);
  });

  it('login: any password; a pre-6.43 recording challenges first; nothing before login; /quit and !fatal', async function () {
    const legacy = await started(
      new ReplayServer(
        recordingOf([
          [1, 'client', ['/login']],
          [1, 'router', ['!done', '=ret=0123456789abcdef0123456789abcdef']],
          [1, 'client', ['/login', '=name=admin', `=response=${REDACTED}`]],
          [1, 'router', ['!done']],
          [1, 'client', ['/system/reboot']],
          [1, 'router', ['!fatal', 'router is rebooting']],
        ]),
      ),
    );
    const s = await RawSession.connect({ port: legacy.port });
    sessions.push(s);
    (await s.command(['/system/reboot', '.tag=a'])).should.eql([
      ['!trap', '.tag=a', '=message=not logged in'],
      ['!done', '.tag=a'],
    ]);
    const [challenge] = await s.command(['/login']);
    challenge[0].should.equal('!done');
    challenge[1].should.match(/^=ret=[0-9a-f]{32}$/);
    (await s.command(['/login', '=name=admin', '=response=00ffff'])).should.eql([['!done']]);
    s.send(['/system/reboot', '.tag=b']);
    (await s.next()).should.eql(['!fatal', 'router is rebooting']);
    await s.closed;

    // The client's modern login falls back to the challenge, as with a real pre-6.43 router.
    const api = await connect({ host: '127.0.0.1', port: legacy.port, password: 'x' });
    await api.close();

    const modern = await started(new ReplayServer(recordingOf(LOGIN)));
    const m = await rawLoggedIn(modern);
    m.send(['/quit']);
    (await m.next()).should.eql(['!fatal', 'session terminated on request']);
    await m.closed;
  });

  describe('command line', function () {
    it('parses record and replay arguments', function () {
      parseRouterAddress('192.0.2.1', 8728).should.eql({ host: '192.0.2.1', port: 8728 });
      parseRouterAddress('router.example:8000', 8728).should.eql({ host: 'router.example', port: 8000 });
      parseRouterAddress('[2001:db8::1]:8729', 8728).should.eql({ host: '2001:db8::1', port: 8729 });
      parseRouterAddress('2001:db8::1', 8728).should.eql({ host: '2001:db8::1', port: 8728 });
      const rec = parseRecordArgs(['--router', 'r1', '--tls', '--insecure', '--out', 'f.json', '-p', '0']);
      rec.options.should.have.properties({ routerHost: 'r1', routerPort: 8729, port: 0, out: 'f.json' });
      rec.options.tls.should.eql({ rejectUnauthorized: false });
      parseRecordArgs(['--router', 'r1', '--out', 'f']).options.should.have.properties({
        routerPort: 8728,
        port: 8728,
      });
      (() => parseRecordArgs(['--out', 'f'])).should.throw(/--router/);
      (() => parseRecordArgs(['--router', 'r1'])).should.throw(/--out/);
      (() => parseRecordArgs(['--router', 'r1:x', '--out', 'f'])).should.throw(/invalid router port/);
      parseReplayArgs(['f.json', '--port', '9000']).should.eql({
        help: false,
        file: 'f.json',
        options: { host: '127.0.0.1', port: 9000 },
        log: false,
      });
      (() => parseReplayArgs([])).should.throw(/exactly one/);
    });

    it('the bin records through its proxy and replays the file', async function () {
      const sim = await started(new RouterOSSimulator());
      const out = path.join(dir, 'bin.json');
      const run = async (args) => {
        const child = spawn(process.execPath, [BIN, ...args]);
        let text = '';
        child.stdout.on('data', (d) => (text += d));
        child.stderr.on('data', (d) => (text += d));
        await waitFor(() => text.includes('\n'), 5000, 'a listening line');
        const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
        return { line: text, port: Number(/127\.0\.0\.1:(\d+)/.exec(text)[1]), exited, child };
      };
      const rec = await run(['record', '--router', `127.0.0.1:${sim.port}`, '--out', out, '--port', '0']);
      rec.line.should.match(/^Recording proxy listening on 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+, writing /);
      const live = await connect({ host: '127.0.0.1', port: rec.port });
      const recorded = await live.oneshot('/system/identity/print');
      await live.close();
      rec.child.kill('SIGTERM');
      (await rec.exited).should.equal(0);

      const rep = await run(['replay', out, '--port', '0']);
      rep.line.should.match(/^RouterOS replay of .* listening on 127\.0\.0\.1:\d+\n$/);
      const api = await connect({ host: '127.0.0.1', port: rep.port, password: 'anything' });
      (await api.oneshot('/system/identity/print')).should.eql(recorded);
      await api.close();
      rep.child.kill('SIGTERM');
      (await rep.exited).should.equal(0);
    });

    it('the bin refuses a file that is not a recording', async function () {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, '{"format":"something else"}');
      const child = spawn(process.execPath, [BIN, 'replay', bad, '--port', '0']);
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      code.should.equal(1);
      err.should.match(/not a usable recording: "format" must be "routeros-api-recording"/);
    });
  });
});

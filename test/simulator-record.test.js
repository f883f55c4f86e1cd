'use strict';
// `routeros-simulator record`: a transparent proxy to a router (here the simulator itself, as
// the "real" router, on loopback) that writes every sentence both ways to a JSON file with the
// login password and every other secret redacted before anything is written.
require('should');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RouterOSSimulator, RecordingProxy, parseRecording, redactWords, REDACTED } = require('../dist/simulator');
const { connect, TrapError } = require('../dist/client');
const { RawSession } = require('./helpers/raw-session');
const { waitFor } = require('./helpers/wait');

const PASSWORD = 'Tr0ub4dor&3-horse';

describe('routeros-simulator record', function () {
  let sim;
  let proxy;
  let dir;
  let out;

  beforeEach(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routeros-record-'));
    out = path.join(dir, 'session.json');
  });
  afterEach(async function () {
    if (proxy) await proxy.stop();
    if (sim) await sim.stop();
    proxy = undefined;
    sim = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startPair(simOptions = {}) {
    sim = new RouterOSSimulator({ password: PASSWORD, ...simOptions });
    await sim.start();
    proxy = new RecordingProxy({ routerHost: '127.0.0.1', routerPort: sim.port, out, source: 'test' });
    await proxy.start();
  }
  const viaProxy = (password = PASSWORD) =>
    connect({ host: '127.0.0.1', port: proxy.port, password, connectTimeout: 3000 });

  it('passes a session through unchanged and records every sentence both ways', async function () {
    await startPair();
    const direct = await connect({ host: '127.0.0.1', port: sim.port, password: PASSWORD });
    const api = await viaProxy();
    const ask = (client) => client.array('/interface/print', { proplist: 'name,type,mtu', queries: ['?type=ether'] });
    (await ask(api)).should.eql(await ask(direct));
    (await api.oneshot('/system/identity/print')).should.eql({ name: 'MikroTik' });
    const failed = await api.call('/ip/address/add', { attributes: { interface: 'nope' } }).catch((e) => e);
    failed.should.be.instanceOf(TrapError);
    await direct.close();
    await api.close();
    await proxy.stop();

    const recording = parseRecording(fs.readFileSync(out, 'utf8'));
    recording.should.have.properties({ format: 'routeros-api-recording', version: 1, source: 'test' });
    const sentences = recording.sentences;
    new Set(sentences.map((s) => s.connection)).should.eql(new Set([1]));
    const commands = sentences.filter((s) => s.from === 'client').map((s) => s.words[0]);
    commands.should.eql(['/login', '/interface/print', '/system/identity/print', '/ip/address/add']);
    const replies = sentences.filter((s) => s.from === 'router').map((s) => s.words[0]);
    replies.should.eql(['!done', '!re', '!re', '!done', '!re', '!done', '!trap', '!done']);
    // Words as they crossed the wire: the tag second in replies, where the simulator puts it.
    const row = sentences.find((s) => s.words[0] === '!re').words;
    row[1].should.match(/^\.tag=/);
    row.slice(2).should.eql(['=name=ether1', '=type=ether', '=mtu=1500']);
    sentences.every((s, i) => i === 0 || s.at >= sentences[i - 1].at).should.be.true();
  });

  it('never writes the login password or any =password= value, not even mid-session', async function () {
    await startPair();
    const api = await viaProxy();
    // A secret in an attribute and in a query; the router refuses the first and finds nothing for the second.
    await api.call('/interface/set', { attributes: { '.id': 'ether1', password: 'attr-secret-1' } }).catch(() => null);
    await api.array('/ip/address/print', { queries: ['?password=query-secret-2'] });
    await proxy.flush(); // a file written while the session is still open
    const midway = fs.readFileSync(out, 'utf8');
    await api.close();
    await proxy.stop();
    const final = fs.readFileSync(out, 'utf8');
    for (const text of [midway, final]) {
      for (const secret of [PASSWORD, 'attr-secret-1', 'query-secret-2']) text.should.not.containEql(secret);
    }
    const words = parseRecording(final).sentences.flatMap((s) => s.words);
    words.should.containEql(`=password=${REDACTED}`);
    words.should.containEql(`?password=${REDACTED}`);
  });

  it('redacts the pre-6.43 login response too, and keeps the challenge', async function () {
    await startPair({ legacyLogin: true });
    const api = await viaProxy();
    (await api.oneshot('/system/identity/print')).name.should.equal('MikroTik');
    await api.close();
    await proxy.stop();
    const recording = parseRecording(fs.readFileSync(out, 'utf8'));
    const logins = recording.sentences.filter((s) => s.words[0] === '/login').map((s) => s.words);
    logins.should.have.length(2);
    logins[0].should.containEql(`=password=${REDACTED}`);
    logins[1].should.containEql(`=response=${REDACTED}`);
    const challenge = recording.sentences.find((s) => s.words.some((w) => w.startsWith('=ret=')));
    challenge.words.find((w) => w.startsWith('=ret=')).should.match(/^=ret=[0-9a-f]{32}$/);
    JSON.stringify(recording).should.not.containEql(PASSWORD);
    JSON.stringify(recording).should.not.match(/=response=00[0-9a-f]{32}/);
  });

  it('records a router on API-SSL, checking its certificate', async function () {
    sim = new RouterOSSimulator({ password: PASSWORD, tls: true });
    await sim.start();
    const ca = fs.readFileSync(path.join(__dirname, '..', 'bin', 'simulator-certs', 'ca.pem'));
    const tls = { ca, servername: 'localhost' };
    proxy = new RecordingProxy({ routerHost: '127.0.0.1', routerPort: sim.port, tls, out });
    await proxy.start();
    const api = await viaProxy(); // plain TCP to the proxy, TLS from the proxy to the router
    (await api.oneshot('/system/identity/print')).should.eql({ name: 'MikroTik' });
    await api.close();
    await proxy.stop();
    const recording = parseRecording(fs.readFileSync(out, 'utf8'));
    recording.sentences
      .map((s) => s.words[0])
      .should.eql(['/login', '!done', '/system/identity/print', '!re', '!done']);
    fs.readFileSync(out, 'utf8').should.not.containEql(PASSWORD);

    // An untrusted certificate: the proxy refuses the router and closes the client.
    await proxy.stop();
    proxy = new RecordingProxy({ routerHost: '127.0.0.1', routerPort: sim.port, tls: true, out });
    await proxy.start();
    const s = await RawSession.connect({ port: proxy.port });
    await s.closed;
  });

  it('records each client connection as its own numbered connection', async function () {
    await startPair();
    const a = await RawSession.connect({ port: proxy.port });
    const b = await RawSession.connect({ port: proxy.port });
    (await a.login('admin', PASSWORD)).should.eql([['!done']]);
    (await b.login('admin', PASSWORD)).should.eql([['!done']]);
    (await b.command(['/system/identity/print', '.tag=b'])).should.eql([
      ['!re', '.tag=b', '=name=MikroTik'],
      ['!done', '.tag=b'],
    ]);
    await a.close();
    await b.close();
    await waitFor(() => proxy.recording.sentences.length === 7);
    const byConnection = (n) => proxy.recording.sentences.filter((s) => s.connection === n).map((s) => s.words[0]);
    byConnection(1).should.eql(['/login', '!done']);
    byConnection(2).should.eql(['/login', '!done', '/system/identity/print', '!re', '!done']);
  });

  it('closes the client when the router cannot be reached', async function () {
    sim = new RouterOSSimulator();
    await sim.start();
    const port = sim.port;
    await sim.stop();
    sim = undefined;
    proxy = new RecordingProxy({ routerHost: '127.0.0.1', routerPort: port, out });
    await proxy.start();
    const s = await RawSession.connect({ port: proxy.port });
    await s.closed;
  });

  it('parseRecording says what is wrong with a file that is not a recording', function () {
    const head = '"format":"routeros-api-recording","version":1';
    const cases = [
      ['not json', /not a usable recording: /],
      ['[]', /"format" must be/],
      [`{${head.replace('1', '2')}}`, /unsupported version 2/],
      [`{${head},"sentences":{}}`, /"sentences" must be an array/],
      [`{${head},"encoding":"latin9","sentences":[]}`, /"encoding" must be utf8 or win1252/],
      [`{${head},"sentences":[{"connection":0,"from":"client","words":["/x"]}]}`, /sentence 0: bad "connection"/],
      [`{${head},"sentences":[{"connection":1,"from":"me","words":["/x"]}]}`, /sentence 0: "from"/],
      [`{${head},"sentences":[{"connection":1,"from":"router","words":[]}]}`, /sentence 0: "words"/],
    ];
    for (const [text, error] of cases) (() => parseRecording(text)).should.throw(error);
    parseRecording(`{${head},"sentences":[{"connection":1,"from":"router","words":["!done"]}]}`).sentences.should.eql([
      { connection: 1, from: 'router', at: 0, words: ['!done'] },
    ]);
  });

  it('redactWords: secret attributes and queries, nothing else', function () {
    redactWords([
      '/user/add',
      '=name=ops',
      '=password=x=y',
      '=comment=password=visible',
      '?secret=s',
      '?=wpa2-pre-shared-key=k',
      '=snmp-auth-password=p',
      '=private-key=q',
      '?#|',
      '.tag=password=1',
    ]).should.eql([
      '/user/add',
      '=name=ops',
      `=password=${REDACTED}`,
      '=comment=password=visible',
      `?secret=${REDACTED}`,
      `?=wpa2-pre-shared-key=${REDACTED}`,
      `=snmp-auth-password=${REDACTED}`,
      `=private-key=${REDACTED}`,
      '?#|',
      '.tag=password=1',
    ]);
  });
});

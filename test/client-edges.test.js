'use strict';
// Edges of the client and the session found in review: caller callbacks that throw, tags that
// would not survive the trip, closing in the middle of a login, rows after a stop, timeouts of
// 0 / Infinity / beyond what a timer holds, and a trap that beats a connection loss.
require('should');
const net = require('node:net');
const { RouterOSSimulator, createScriptedServer } = require('../dist/simulator');
const {
  connect,
  RouterOSSession,
  InputError,
  TrapError,
  TimeoutError,
  parseInspectChildren,
} = require('../dist/client');
const { encodeSentence, parseReply, rawSentenceWords, SentenceDecoder } = require('../dist/protocol');
const { useUnhandledRejectionGuard } = require('./helpers/unhandled-rejections');
const { waitFor } = require('./helpers/wait');
const { silentServer } = require('./helpers/silent-server');

useUnhandledRejectionGuard();

function connected(session) {
  return new Promise((resolve) => {
    if (session.state === 'connected') resolve();
    else session.on('state', (state) => state === 'connected' && resolve());
  });
}

/** A router that logs us in, then answers a listen with three rows in one write and a cancel with trap + done. */
function threeRowRouter() {
  return createScriptedServer([
    { expect: ['/login', '=name=admin', '=password=', '.tag=*'], reply: [['!done', '.tag=*']] },
    {
      expect: ['/interface/listen', '.tag=*'],
      reply: [
        ['!re', '=n=1', '.tag=*'],
        ['!re', '=n=2', '.tag=*'],
        ['!re', '=n=3', '.tag=*'],
      ],
    },
  ]);
}

describe('client and session edges', function () {
  describe('with the simulator', function () {
    let sim;
    beforeEach(async function () {
      sim = new RouterOSSimulator();
      await sim.start();
    });
    afterEach(async function () {
      await sim.stop();
    });

    it('an onEnd or onState that throws is reported on callbackError, and the process goes on', async function () {
      const session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, connectTimeout: 3000 });
      const reported = [];
      session.on('callbackError', (err, tag) => reported.push([err.message, tag]));
      session.start();
      await connected(session);
      const stream = session.stream('/interface/listen', undefined, {
        tag: 'w',
        onRow: () => undefined,
        onState: () => {
          throw new Error('bug in onState');
        },
        onEnd: () => {
          throw new Error('bug in onEnd');
        },
      });
      await stream.stop();
      await session.close();
      reported.should.eql([
        ['bug in onState', 'w'],
        ['bug in onEnd', 'w'],
      ]);
    });

    it('refuses tags that would not read back the same, in both encodings', async function () {
      for (const encoding of ['utf8', 'win1252']) {
        const api = await connect({ host: '127.0.0.1', port: sim.port, encoding });
        try {
          for (const tag of ['a\ud800', 'тег', '\u0080', 'tab\there']) {
            await api.call('/system/identity/print', undefined, { tag }).should.be.rejectedWith(InputError);
            (() => api.stream('/interface/listen', undefined, { tag, onRow: () => undefined })).should.throw(
              /printable ASCII/,
            );
          }
          (await api.call('/system/identity/print', undefined, { tag: 'my tag #1' })).tag.should.equal('my tag #1');
        } finally {
          await api.close();
        }
      }
    });

    it('a stream with a generated tag skips the tags of calls in flight', async function () {
      const session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, connectTimeout: 3000 });
      session.start();
      await connected(session);
      // A call of the caller's own holds tag s1 (ping runs until cancelled).
      const ping = session.call('/ping', { attributes: { address: '127.0.0.1' } }, { tag: 's1' });
      await new Promise((r) => setImmediate(r)); // the call is on the wire
      const rows = [];
      const stream = session.stream('/interface/listen', undefined, { onRow: (row) => rows.push(row) });
      stream.tag.should.equal('s2');
      (() => session.stream('/interface/listen', undefined, { tag: 's2', onRow: () => undefined })).should.throw(
        /already in use/,
      );
      await session.cancel('s1');
      await ping;
      await session.close();
    });

    it('a call with a tag a managed stream holds is refused, even while it waits for the router', async function () {
      const session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, connectTimeout: 3000 });
      session.stream('/interface/listen', undefined, { tag: 'w', onRow: () => undefined });
      await session.call('/system/identity/print', undefined, { tag: 'w' }).should.be.rejectedWith(/already in use/);
      await session.close();
    });

    it('timeouts of Infinity and beyond what a timer holds mean no timeout, not 1 ms', async function () {
      const api = await connect({ host: '127.0.0.1', port: sim.port, connectTimeout: 0 });
      try {
        sim.faults.replyDelayMs = 20;
        for (const timeout of [Infinity, 3e9]) {
          (await api.oneshot('/system/identity/print', undefined, { timeout })).should.eql({ name: 'MikroTik' });
        }
      } finally {
        await api.close();
      }
      const session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, backoff: { initial: 3e9, max: 3e9 } });
      (await session.oneshot('/system/identity/print', undefined, { timeout: Infinity })).should.eql({
        name: 'MikroTik',
      });
      await session.close();
    });

    it('null parameters mean none; other non-objects are refused with InputError', async function () {
      const api = await connect({ host: '127.0.0.1', port: sim.port });
      try {
        (await api.oneshot('/system/identity/print', null)).should.eql({ name: 'MikroTik' });
        await api.call('/system/identity/print', 5).should.be.rejectedWith(InputError, { code: 'EINPUT' });
        await api.call('/system/identity/print', ['?x=1']).should.be.rejectedWith(InputError);
      } finally {
        await api.close();
      }
    });

    it("a stream's cancel() after it ended resolves and cancels nothing", async function () {
      const api = await connect({ host: '127.0.0.1', port: sim.port });
      try {
        const handle = api.stream(
          '/ping',
          { attributes: { address: '127.0.0.1', count: 1 } },
          { onRow: () => undefined },
        );
        await handle.done;
        await handle.cancel();
        // The tag may now belong to another command, which the old handle must leave alone.
        const again = api.stream('/interface/listen', undefined, { tag: handle.tag, onRow: () => undefined });
        await handle.cancel();
        api.tags.should.containEql(again.tag);
      } finally {
        await api.close();
      }
    });

    it('closing a session during the login lets go of the socket before close() resolves', async function () {
      sim.faults.stall = true; // accepts TCP, never answers the login
      const session = new RouterOSSession({ host: '127.0.0.1', port: sim.port, connectTimeout: 30000 });
      session.start();
      await waitFor(() => sim.openConnections === 1, 3000, 'the login under way');
      await session.close();
      await waitFor(() => sim.openConnections === 0, 1000, 'the router seeing the socket closed');
      session.state.should.equal('closed');
    });
  });

  it('a call waits for the connection no longer than waitForConnection, within its own timeout', async function () {
    const router = await silentServer(); // the login hangs: an attempt in progress, worth waiting for
    const session = new RouterOSSession({
      host: '127.0.0.1',
      port: router.port,
      connectTimeout: 60000,
      waitForConnection: 100,
    });
    // A call timeout beyond this test's own: only the 100 ms wait can end the call in time.
    try {
      const err = await session.call('/system/identity/print', undefined, { timeout: 60000 }).catch((e) => e);
      err.should.be.instanceOf(TimeoutError);
      err.message.should.match(/not connected to the router within 100 ms/);
      session.state.should.equal('connecting', 'the call gave up on its own wait, not because the attempt ended');
    } finally {
      await session.close();
      await router.close();
    }
  });

  it('no row reaches a managed stream after stop(), nor a client stream after close()', async function () {
    const server = threeRowRouter();
    await server.start();
    try {
      const session = new RouterOSSession({ host: '127.0.0.1', port: server.port });
      session.start();
      await connected(session);
      const seen = [];
      let stopped;
      const stream = session.stream('/interface/listen', undefined, {
        onRow: (row) => {
          seen.push(row.n);
          stopped = stream.stop();
        },
      });
      await waitFor(() => stopped !== undefined);
      // The stop ends when the router answers the /cancel (here: hangs up on it), which it
      // does after the rows it sent before: rows 2 and 3 have been read by then.
      await stopped;
      seen.should.eql(['1']);
      await session.close();

      const api = await connect({ host: '127.0.0.1', port: server.port });
      const rows = [];
      const handle = api.stream('/interface/listen', undefined, {
        onRow: (row) => {
          rows.push(row.n);
          void api.close();
        },
      });
      await handle.done.should.be.rejectedWith({ code: 'ECLOSED' });
      rows.should.eql(['1']);
    } finally {
      await server.stop();
    }
  });

  it('a stream may take the tag of one it stopped whose end the router has not confirmed yet', async function () {
    // The router confirms /cancel at once but ends the cancelled listen only 300 ms later.
    const listens = [];
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      const send = (...sentences) => {
        for (const words of sentences) if (!socket.destroyed) socket.write(encodeSentence(words));
      };
      const decoder = new SentenceDecoder((raw) => {
        const words = rawSentenceWords(raw).map((w) => w.toString('utf8'));
        const tag = words.find((w) => w.startsWith('.tag=')).slice(5);
        if (words[0] === '/login') send(['!done', `.tag=${tag}`]);
        else if (words[0] === '/interface/listen') {
          listens.push(Date.now());
          send(['!re', `=n=${listens.length}`, `.tag=${tag}`]);
        } else if (words[0] === '/cancel') {
          const target = words.find((w) => w.startsWith('=tag=')).slice(5);
          send(['!done', `.tag=${tag}`]);
          setTimeout(() => send(['!trap', '=category=2', `.tag=${target}`], ['!done', `.tag=${target}`]), 300);
        }
      });
      socket.on('data', (chunk) => decoder.push(chunk));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const session = new RouterOSSession({ host: '127.0.0.1', port: server.address().port, timeout: 100 });
    try {
      session.start();
      await connected(session);
      const first = session.stream('/interface/listen', undefined, { tag: 'w', onRow: () => undefined });
      await waitFor(() => listens.length === 1);
      await first.stop(); // the client stops waiting for the end after its 100 ms timeout
      const states = [];
      const rows = [];
      session.stream('/interface/listen', undefined, {
        tag: 'w',
        onRow: (row) => rows.push(row.n),
        onState: (state) => states.push(state),
      });
      states.should.eql(['waiting']);
      await waitFor(() => rows.length === 1, 3000, 'the second stream running');
      rows.should.eql(['2']);
      states.should.eql(['waiting', 'running']);
    } finally {
      await session.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('a !trap that came before the connection dropped is the error the caller gets', async function () {
    const server = createScriptedServer([
      { expect: ['/login', '=name=admin', '=password=', '.tag=*'], reply: [['!done', '.tag=*']] },
      {
        expect: ['/ip/address/add', '=address=bad', '.tag=*'],
        reply: [['!trap', '=message=invalid value for argument address', '.tag=*']],
        close: true,
      },
    ]);
    await server.start();
    try {
      const api = await connect({ host: '127.0.0.1', port: server.port });
      const err = await api.call('/ip/address/add', { attributes: { address: 'bad' } }).catch((e) => e);
      err.should.be.instanceOf(TrapError);
      err.message.should.equal('invalid value for argument address');
    } finally {
      await server.stop();
    }
  });

  it('decodes attribute names with the connection encoding, like values', function () {
    const decode = (encoding, words) => {
      let reply;
      new SentenceDecoder((raw) => (reply = parseReply(raw, encoding))).push(encodeSentence(words, encoding));
      return reply.attributes;
    };
    decode('utf8', ['!re', '=имя-€=значение']).should.eql({ 'имя-€': 'значение' });
    decode('win1252', ['!re', '=prix-€=5 €']).should.eql({ 'prix-€': '5 €' });
  });

  it('windows-1252 writes C1 controls it has no byte for as "?", so they read back as written or not at all', function () {
    [...encodeSentence(['\u0080\u0081'], 'win1252')].should.eql([2, 0x3f, 0x81, 0]);
  });

  it('a trap with an empty category has no category', function () {
    new TrapError('/x', { category: '', message: 'm' }).should.have.property('category', undefined);
    new TrapError('/x', { category: '2', message: 'm' }).should.have.property('category', 2);
  });

  it('inspect rows naming Object.prototype members are not menus', function () {
    parseInspectChildren([
      { name: 'evil', 'node-type': 'constructor' },
      { name: 'evil2', 'node-type': 'toString' },
      { name: 'address', 'node-type': 'dir' },
    ]).should.eql([{ name: 'address', type: 'menu' }]);
  });
});

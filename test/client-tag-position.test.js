'use strict';
// The client reads `.tag=` wherever it stands in a reply: right after the reply word (where
// real routers put it), among the attributes (as some proxies and devices do) or last (as the
// API documentation's sample writes it). A fake router on a raw loopback socket answers the
// client's commands with the tag in one chosen place; a client that looked in one place only
// would lose rows, traps and the end of each command.
require('should');
const net = require('node:net');
const { connect, LoginError, TrapError } = require('../dist/client');
const { SentenceDecoder, encodeSentence, decodeText } = require('../dist/protocol');
const { tagOf, attrsOf } = require('./helpers/raw-session');
const { waitFor } = require('./helpers/wait');

/** Puts `.tag=X` into a reply sentence at the given place. */
const PLACES = {
  'right after the reply word (routers)': (words, tagWord) => [words[0], tagWord, ...words.slice(1)],
  'between the attributes': (words, tagWord) =>
    words.length > 2 ? [words[0], words[1], tagWord, ...words.slice(2)] : [...words, tagWord],
  'last (the protocol page)': (words, tagWord) => [...words, tagWord],
};

/**
 * A scripted router: answers each command with fixed sentences, tagged with the command's tag at
 * `place`. `/login` with password `secret` succeeds; a listen runs until /cancel.
 */
function fakeRouter(place) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const running = new Set();
    const send = (tag, ...sentences) => {
      for (const words of sentences) {
        socket.write(encodeSentence(tag === undefined ? words : place(words, `.tag=${tag}`)));
      }
    };
    const decoder = new SentenceDecoder((s) => {
      const words = [];
      for (let i = 0; i < s.count; i++) words.push(decodeText(s.buffer, s.starts[i], s.ends[i], 'utf8'));
      const tag = tagOf(words);
      const attrs = attrsOf(words);
      switch (words[0]) {
        case '/login':
          if (attrs.password === 'secret') send(tag, ['!done']);
          else send(tag, ['!trap', '=message=invalid user name or password (6)'], ['!done']);
          return;
        case '/interface/print':
          send(tag, ['!re', '=.id=*1', '=name=ether1', '=running=true'], ['!re', '=.id=*2', '=name=ether2'], ['!done']);
          return;
        case '/ip/address/print':
          send(tag, ['!empty'], ['!done']);
          return;
        case '/ip/address/add':
          send(tag, ['!done', '=ret=*7']);
          return;
        case '/interface/listen':
          running.add(tag);
          send(tag, ['!re', '=.id=*1', '=disabled=true']);
          return;
        case '/cancel':
          running.delete(attrs.tag);
          send(attrs.tag, ['!trap', '=category=2', '=message=interrupted']);
          send(tag, ['!done']);
          send(attrs.tag, ['!done']);
          return;
        default:
          send(tag, ['!trap', '=category=0', '=message=no such command'], ['!done']);
      }
    });
    socket.on('data', (chunk) => decoder.push(chunk));
  });
  return {
    start: () => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)),
    get port() {
      return server.address().port;
    },
    stop() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('client: .tag anywhere in a reply', function () {
  for (const [where, place] of Object.entries(PLACES)) {
    describe(`tag ${where}`, function () {
      let router;
      let api;
      beforeEach(async function () {
        router = fakeRouter(place);
        await router.start();
      });
      afterEach(async function () {
        if (api) await api.close();
        api = undefined;
        await router.stop();
      });
      const open = (password = 'secret') =>
        connect({ host: '127.0.0.1', port: router.port, password, connectTimeout: 3000 });

      it('a refused login is refused, not taken for a success', async function () {
        await open('wrong').should.be.rejectedWith(LoginError, { message: /invalid user name or password \(6\)/ });
      });

      it('rows, !empty, =ret= and !trap reach the right calls, several in flight', async function () {
        api = await open();
        const [rows, empty, added, failed] = await Promise.all([
          api.array('/interface/print'),
          api.array('/ip/address/print'),
          api.oneshot('/ip/address/add', { attributes: { address: '198.51.100.1/24', interface: 'ether1' } }),
          api.call('/no/such/thing').then(
            () => undefined,
            (err) => err,
          ),
        ]);
        rows.should.eql([
          { '.id': '*1', name: 'ether1', running: 'true' },
          { '.id': '*2', name: 'ether2' },
        ]);
        empty.should.eql([]);
        added.should.eql({ ret: '*7' });
        failed.should.be.instanceOf(TrapError);
        failed.should.have.properties({ message: 'no such command', category: 0 });
        api.pendingCount.should.equal(0);
      });

      it('a stream gets its rows and ends on cancel', async function () {
        api = await open();
        const rows = [];
        const handle = api.stream('/interface/listen', undefined, { tag: 'w', onRow: (row) => rows.push(row) });
        await waitFor(() => rows.length === 1);
        rows[0].should.eql({ '.id': '*1', disabled: 'true' });
        await api.cancel('w');
        (await handle.done).cancelled.should.be.true();
        api.pendingCount.should.equal(0);
      });
    });
  }
});

'use strict';
// Short fuzz run of the client, part of npm test: the client properties of test/fuzz/properties.js
// (chaos, model, timeouts) over a fake Duplex, plus the memory-bound cases that need a real
// measurement. The long run is `npm run fuzz` (scripts/fuzz.js: decoder and client properties).
// FUZZ_RUNS sets the cases per property; FUZZ_SEED replays a run (fast-check prints the seed).

require('should');
const fc = require('fast-check');
const { clientProperties, fakeSocket } = require('../fuzz/properties');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');
const { RouterOSClient, RouterOSError, ConnectionClosedError } = require('../../dist/client');

const numRuns = Number(process.env.FUZZ_RUNS) || 1000;
const options = { numRuns };
if (process.env.FUZZ_SEED) options.seed = Number(process.env.FUZZ_SEED);
if (process.env.FUZZ_PATH) options.path = process.env.FUZZ_PATH;

describe(`client: fuzz over a fake socket (${numRuns} cases per property)`, function () {
  const watch = useUnhandledRejectionGuard();

  it('chaos: any reply bytes, split anywhere, with calls, streams and cancels in flight: nothing escapes, everything settles', async function () {
    await fc.assert(clientProperties.clientChaos(watch.records), options);
  });

  it('model: valid interleaved replies end each call exactly as the protocol says', async function () {
    await fc.assert(clientProperties.clientModel(watch.records), options);
  });

  it('timeouts: calls on a quiet router reject on time, keep their tag until the late !done, which is dropped', async function () {
    this.timeout(60000);
    await fc.assert(clientProperties.clientTimeouts(watch.records), { ...options, numRuns: Math.ceil(numRuns / 5) });
  });
});

describe('client: memory stays bounded', function () {
  /** A client on a fake socket with one pending call; returns what the test needs. */
  function setup(clientOptions) {
    const { socket } = fakeSocket();
    const client = new RouterOSClient(socket, { label: 'mem', ...clientOptions });
    client.markAuthenticated();
    const pending = client.call('/interface/print');
    pending.catch(() => undefined);
    return { socket, client, pending };
  }

  it('a declared word length of 0x0FFFFFFF allocates nothing up front (maxWordLength raised to allow it)', async function () {
    const { socket, client, pending } = setup({ maxWordLength: 0x10000000 });
    const before = process.memoryUsage().arrayBuffers;
    // !re, then a word announcing 0x0FFFFFFF bytes (4-byte prefix 0xEF FF FF FF), then 64 KiB of it.
    socket.emit('data', Buffer.from([0x03, 0x21, 0x72, 0x65, 0xef, 0xff, 0xff, 0xff]));
    for (let i = 0; i < 16; i++) socket.emit('data', Buffer.alloc(4096, 0x61));
    const grown = process.memoryUsage().arrayBuffers - before;
    grown.should.be.below(4 * 1024 * 1024, `arrayBuffers grew by ${grown} bytes`);
    client.decoder.bufferedBytes.should.equal(8 + 16 * 4096);
    client.closed.should.be.false();
    socket.emit('end');
    const err = await pending.catch((e) => e);
    err.should.be.instanceOf(ConnectionClosedError);
  });

  it('with the default maximum (64 MiB) the same prefix is a protocol error at once, and calls reject', async function () {
    const { socket, client, pending } = setup();
    socket.emit('data', Buffer.from([0x03, 0x21, 0x72, 0x65, 0xef, 0xff, 0xff, 0xff]));
    const err = await pending.catch((e) => e);
    err.should.be.instanceOf(RouterOSError);
    err.code.should.equal('EWORDTOOLONG');
    err.message.should.match(
      /RouterOS API protocol error from mem: word of 268435455 bytes exceeds the maximum of 67108864/,
    );
    client.closed.should.be.true();
  });

  it('ClientOptions.maxWordLength sets the cap: a word of max bytes passes, max + 1 closes the connection', async function () {
    const ok = setup({ maxWordLength: 1000 });
    const word = (n) => Buffer.concat([Buffer.from([0x80 | (n >> 8), n & 0xff]), Buffer.alloc(n, 0x61)]);
    const tag = ok.client.tags[0];
    const sentence = (n) =>
      Buffer.concat([
        Buffer.from([0x03]),
        Buffer.from('!re'),
        word(n),
        Buffer.from([5 + tag.length]),
        Buffer.from(`.tag=${tag}`),
        Buffer.from([0]),
      ]);
    ok.socket.emit('data', sentence(1000));
    ok.socket.emit(
      'data',
      Buffer.concat([
        Buffer.from([0x05]),
        Buffer.from('!done'),
        Buffer.from([5 + tag.length]),
        Buffer.from(`.tag=${tag}`),
        Buffer.from([0]),
      ]),
    );
    (await ok.pending).rows.should.have.length(1);
    await ok.client.close();

    const bad = setup({ maxWordLength: 1000 });
    bad.socket.emit('data', sentence(1001));
    const err = await bad.pending.catch((e) => e);
    err.code.should.equal('EWORDTOOLONG');
    bad.client.closed.should.be.true();
  });
});

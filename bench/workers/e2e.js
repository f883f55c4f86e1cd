'use strict';
// Scenario 2, one side: a print over loopback against the replay server, collected into an
// array of row objects. Ours: client.array(). node-routeros: api.write(). raw: a socket that
// logs in, asks for the same reply and throws the bytes away (the ceiling for any client).
const net = require('node:net');
const { serveWorker, peakRss, collectGarbage, now, msSince } = require('../lib/child');
const { connectOurs, connectNodeRouteros, closeNodeRouteros } = require('../lib/clients');
const { encodeSentence, SentenceSplitter } = require('../lib/wire');

function connectRaw(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.setNoDelay(true);
      const splitter = new SentenceSplitter();
      const onLogin = (chunk) => {
        const sentences = splitter.push(chunk);
        if (sentences.length === 0) return;
        socket.off('data', onLogin);
        if (sentences[0][0] !== '!done') reject(new Error(`login refused: ${sentences[0].join(' ')}`));
        else resolve(socket);
      };
      socket.on('data', onLogin);
      socket.write(encodeSentence(['/login', '=name=admin', '=password=bench', '.tag=login']));
    });
    socket.once('error', reject);
  });
}

/** Sends the command and resolves once `bytes` bytes came back (each read is dropped). */
function rawCall(socket, command, tag, bytes) {
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk) => {
      received += chunk.length;
      if (received >= bytes) {
        socket.off('data', onData);
        resolve(received);
      }
    };
    socket.on('data', onData);
    socket.write(encodeSentence([command, `.tag=${tag}`]));
  });
}

async function sideCalls(side, port, tag) {
  if (side === 'ours') {
    const client = await connectOurs(port);
    return {
      call: async (command) => (await client.array(command, undefined, { tag })).length,
      close: () => client.close(),
    };
  }
  if (side === 'node-routeros') {
    const api = await connectNodeRouteros(port);
    return {
      call: async (command) => {
        api.benchTag = tag;
        const promise = api.write(command);
        api.benchTag = undefined;
        return (await promise).length;
      },
      close: () => closeNodeRouteros(api),
    };
  }
  const socket = await connectRaw(port);
  return {
    call: (command, expectBytes) => rawCall(socket, command, tag, expectBytes),
    close: async () => socket.destroy(),
  };
}

function expect(side, got, rows, bytes) {
  const want = side === 'raw' ? bytes : rows;
  if (got !== want) throw new Error(`${side}: got ${got}, expected ${want}`);
}

serveWorker({
  async setup(args) {
    const calls = await sideCalls(args.side, args.port, args.tag);
    expect(args.side, await calls.call(args.warmCommand, args.warmBytes), args.warmRows, args.warmBytes);
    return { ...args, calls };
  },
  async run(state) {
    collectGarbage();
    const start = now();
    const got = await state.calls.call(state.command, state.bytes);
    const ms = msSince(start);
    expect(state.side, got, state.rows, state.bytes);
    return ms;
  },
  async finish(state) {
    const result = { peakRss: peakRss() };
    await state.calls.close();
    return result;
  },
});

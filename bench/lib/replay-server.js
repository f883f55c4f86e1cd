'use strict';
// A bare RouterOS API server for the benchmark: it answers `/login` with `!done` (the 6.43+
// exchange), replays a pre-encoded reply for the commands it was given (retagged for the
// caller's tag, cached per tag), and answers every other command with one `!re` and `!done`.
// Replies to one incoming chunk leave in one write.
const net = require('node:net');
const { encodeSentence, SentenceSplitter, tagOf } = require('./wire');
const { encodeRoutes } = require('./rows');
const { encodeBgpRoutes } = require('./bgp-rows');

class ReplayServer {
  constructor() {
    /** command → { rows, buffers: Map(tag → buffer) } */
    this.replays = new Map();
    this.sockets = new Set();
    this.server = net.createServer((socket) => this.onConnection(socket));
    this.commandsSeen = 0;
  }

  start() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        resolve(this.port);
      });
    });
  }

  /**
   * Makes `command` replay `rows` route rows and `!done`. Pre-encodes the reply for `tag` now,
   * so that no encoding happens while a client is being timed. Returns the reply size in bytes.
   * `shape`: 'repeating' (lib/rows.js) or 'unique' (lib/bgp-rows.js, a unique prefix a row).
   */
  setReplay(command, rows, tag, shape = 'repeating') {
    const entry = { rows, shape, buffers: new Map() };
    this.replays.set(command, entry);
    return this.replyFor(entry, tag).length;
  }

  clearReplays() {
    this.replays.clear();
  }

  replyFor(entry, tag) {
    let buffer = entry.buffers.get(tag);
    if (!buffer) {
      // A tag we did not prepare for: encode it now (slow, and counted in that client's time).
      buffer = (entry.shape === 'unique' ? encodeBgpRoutes : encodeRoutes)(entry.rows, tag).buffer;
      if (entry.buffers.size > 4) entry.buffers.clear();
      entry.buffers.set(tag, buffer);
    }
    return buffer;
  }

  onConnection(socket) {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const splitter = new SentenceSplitter();
    socket.on('data', (chunk) => {
      const sentences = splitter.push(chunk);
      if (sentences.length === 0) return;
      socket.cork();
      for (const words of sentences) this.answer(socket, words);
      socket.uncork();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  answer(socket, words) {
    this.commandsSeen++;
    const command = words[0];
    const tag = tagOf(words);
    const tagWords = tag === undefined ? [] : [`.tag=${tag}`];
    if (command === '/login') {
      const named = words.some((w) => w.startsWith('=name='));
      if (named) socket.write(encodeSentence(['!done', ...tagWords]));
      else {
        socket.write(encodeSentence(['!trap', ...tagWords, '=message=invalid user name or password (6)']));
        socket.write(encodeSentence(['!done', ...tagWords]));
      }
      return;
    }
    const replay = this.replays.get(command);
    if (replay) {
      socket.write(this.replyFor(replay, tag ?? ''));
      return;
    }
    if (command === '/cancel') {
      socket.write(encodeSentence(['!done', ...tagWords]));
      return;
    }
    socket.write(
      Buffer.concat([
        encodeSentence(['!re', ...tagWords, '=name=bench-router']),
        encodeSentence(['!done', ...tagWords]),
      ]),
    );
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }
}

module.exports = { ReplayServer };

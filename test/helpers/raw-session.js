'use strict';
// A raw RouterOS API session for tests: sends sentences as word arrays and reads replies as word
// arrays through the protocol codec, with no client library in between. Sentences are kept in
// arrival order; `next()` takes the oldest, `take(pred)` the oldest that matches.
const net = require('node:net');
const tls = require('node:tls');
const { SentenceDecoder, encodeSentence, decodeText } = require('../../dist/protocol');

function tagOf(words) {
  const word = words.find((w) => w.startsWith('.tag='));
  return word === undefined ? undefined : word.slice(5);
}

/** `=name=value` words of a sentence as an object (split at the second `=`). */
function attrsOf(words) {
  const out = {};
  for (const w of words.slice(1)) {
    if (!w.startsWith('=')) continue;
    const eq = w.indexOf('=', 1);
    out[eq < 0 ? w.slice(1) : w.slice(1, eq)] = eq < 0 ? '' : w.slice(eq + 1);
  }
  return out;
}

class RawSession {
  /**
   * Connects over TCP, or TLS when `tls` is given (an object of tls.connect options).
   * @returns {Promise<RawSession>}
   */
  static connect({ port, host = '127.0.0.1', tls: tlsOptions, encoding = 'utf8' }) {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ port, host, ...tlsOptions }, () => done())
        : net.connect({ port, host }, () => done());
      const done = () => {
        socket.off('error', reject);
        resolve(new RawSession(socket, encoding));
      };
      socket.once('error', reject);
    });
  }

  constructor(socket, encoding = 'utf8') {
    this.socket = socket;
    this.encoding = encoding;
    /** Every sentence received, in order (never emptied). */
    this.received = [];
    this.inbox = [];
    this.waiters = [];
    this.error = undefined;
    this.isClosed = false;
    this.decoder = new SentenceDecoder((s) => {
      const words = [];
      for (let i = 0; i < s.count; i++) words.push(decodeText(s.buffer, s.starts[i], s.ends[i], encoding));
      this.received.push(words);
      this.inbox.push(words);
      this.wake();
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      try {
        this.decoder.push(chunk);
      } catch (err) {
        this.error = err;
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      this.error = err;
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      });
    });
  }

  send(words) {
    this.socket.write(encodeSentence(words, this.encoding));
  }

  /** Writes raw bytes (for malformed input). */
  writeRaw(buffer) {
    this.socket.write(buffer);
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Removes and returns the oldest sentence matching `pred`, waiting for it if needed. */
  take(pred = () => true, timeout = 3000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching sentence within ${timeout} ms; inbox: ${JSON.stringify(this.inbox)}`));
      }, timeout);
      const check = () => {
        const i = this.inbox.findIndex(pred);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(this.inbox.splice(i, 1)[0]);
        } else if (this.isClosed) {
          clearTimeout(timer);
          reject(new Error(`connection closed while waiting; inbox: ${JSON.stringify(this.inbox)}`));
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  /** The next sentence in arrival order. */
  next(timeout) {
    return this.take(() => true, timeout);
  }

  /** Sentences for `tag` (undefined = untagged) up to and including its `!done`. */
  async untilDone(tag, timeout) {
    const out = [];
    for (;;) {
      const words = await this.take((w) => tagOf(w) === tag, timeout);
      out.push(words);
      if (words[0] === '!done') return out;
    }
  }

  /** Sends a command and returns every sentence of its reply, through `!done`. */
  command(words, timeout) {
    this.send(words);
    return this.untilDone(tagOf(words), timeout);
  }

  /** Modern login; resolves with the reply sentences. */
  login(name = 'admin', password = '') {
    return this.command(['/login', `=name=${name}`, `=password=${password}`]);
  }

  /**
   * Sends `probe` (a command with a .tag) and expects the next sentences to be its reply through
   * its `!done`: the router answers in order, so anything else it still had to say would come
   * first. Resolves with the reply. (Instead of waiting some time in silence.)
   */
  async expectOnlyReplyTo(probe, timeout) {
    const tag = tagOf(probe);
    this.send(probe);
    const reply = [];
    for (;;) {
      const words = await this.next(timeout);
      if (tagOf(words) !== tag) {
        throw new Error(`expected only the reply to .tag=${tag}, got ${JSON.stringify(words)}`);
      }
      reply.push(words);
      if (words[0] === '!done') return reply;
    }
  }

  close() {
    this.socket.end();
    return this.closed;
  }

  destroy() {
    this.socket.destroy();
    return this.closed;
  }
}

module.exports = { RawSession, tagOf, attrsOf };

'use strict';
// Rows shaped like RouterOS 7 `/ip/route/print` replies (14 attributes, about 258 bytes a row on
// the wire), encoded as the router sends them: `!re`, `.tag=` (second, as real routers put it),
// the attributes, then the zero-length word. Addresses come only from the RFC 5737 documentation ranges.
const { encodeSentence, lengthPrefix } = require('./wire');

const NETS = ['198.51.100', '203.0.113', '192.0.2'];
const GATEWAYS = ['203.0.113.1', '203.0.113.2', '198.51.100.1', '198.51.100.254'];

/** The attribute words of route number `i` (deterministic). */
function routeWords(i) {
  const staticRoute = i % 50 === 0;
  const gw = GATEWAYS[i % GATEWAYS.length];
  const net = NETS[i % NETS.length];
  const host = (i >>> 2) & 0xff;
  const prefix = 32 - (i % 9);
  return [
    '!re',
    `=.id=*${(0x1a2b + i).toString(16).toUpperCase()}`,
    `=dst-address=${net}.${host}/${prefix}`,
    '=routing-table=main',
    `=gateway=${gw}`,
    `=immediate-gw=${gw}%ether${1 + (i % 4)}`,
    staticRoute ? '=distance=1' : '=distance=20',
    staticRoute ? '=scope=30' : '=scope=40',
    staticRoute ? '=target-scope=10' : '=target-scope=30',
    '=hw-offloaded=false',
    staticRoute ? '=dynamic=false' : '=dynamic=true',
    '=inactive=false',
    '=active=true',
    staticRoute ? '=static=true' : '=static=false',
    '=ecmp=false',
  ];
}

/** The sentence as a latin1 string: each word with its length prefix, then the zero word. */
function sentenceString(words) {
  let out = '';
  for (const word of words) {
    const len = word.length;
    out += (len < 0x80 ? String.fromCharCode(len) : lengthPrefix(len).toString('latin1')) + word;
  }
  return out + '\0';
}

/**
 * One buffer holding `count` `!re` sentences tagged `tag`, followed by `!done` when `done` is
 * set. Returns { buffer, rows, bytes }.
 */
function encodeRoutes(count, tag, { done = true } = {}) {
  const tagWord = `.tag=${tag}`;
  // Generous size estimate, trimmed at the end.
  let buf = Buffer.allocUnsafe(Math.max(1024, count * (320 + tagWord.length)));
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const words = routeWords(i);
    words.splice(1, 0, tagWord);
    offset += buf.latin1Write(sentenceString(words), offset);
  }
  if (done) offset += encodeSentence(['!done', tagWord]).copy(buf, offset);
  buf = buf.subarray(0, offset);
  return { buffer: buf, rows: count, bytes: offset };
}

module.exports = { routeWords, encodeRoutes, NETS, GATEWAYS };

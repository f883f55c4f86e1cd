'use strict';
// Rows shaped like a BGP-learned RouterOS 7 `/ip/route/print` (IPv6 here, so that a million
// unique prefixes fit in the documentation range 2001:db8::/32, RFC 3849; AS numbers come from
// the documentation range 64496-64511, RFC 5398). Every row has its own `.id` and its own
// `dst-address`, and 12 to 14 attributes: `bgp.med` and `bgp.communities` appear on some rows
// only, and a row is either `active=true` or `inactive=true`, so a reply mixes 8 key sets.
// This is the high-cardinality shape the string interner does not favour.
const { encodeSentence, lengthPrefix } = require('./wire');

const PEERS = ['2001:db8::1', '2001:db8::2', '2001:db8:0:1::1', '2001:db8:0:1::2'];
const AS_FIRST = 64496;

/** AS path of route `i`: 2 to 5 documentation AS numbers, varied but not unique per row. */
function asPath(i) {
  const hops = 2 + (i % 4);
  const parts = [];
  for (let h = 0; h < hops; h++) parts.push(AS_FIRST + ((i >>> (h * 3)) % 16));
  return parts.join(',');
}

/** The attribute words of route number `i` (deterministic). */
function bgpRouteWords(i) {
  const peer = i % PEERS.length;
  const gw = PEERS[peer];
  // A unique /64 per row inside 2001:db8::/32.
  const hi = ((i >>> 16) & 0xffff).toString(16);
  const lo = (i & 0xffff).toString(16);
  const words = [
    '!re',
    `=.id=*${(0x80000000 + i).toString(16).toUpperCase()}`,
    `=dst-address=2001:db8:${hi}:${lo}::/64`,
    '=routing-table=main',
    `=gateway=${gw}`,
    `=immediate-gw=${gw}%ether${1 + peer}`,
    '=distance=20',
    '=scope=40',
    '=target-scope=10',
    `=belongs-to=bgp-IP-${gw}`,
    `=bgp.as-path=${asPath(i)}`,
    `=bgp.local-pref=${i % 7 === 0 ? 200 : 100}`,
  ];
  if (i % 3 === 0) words.push(`=bgp.med=${(i >>> 4) % 1000}`);
  words.push(`=bgp.origin=${i % 11 === 0 ? 'incomplete' : 'igp'}`);
  if (i % 2 === 0) words.push(`=bgp.communities=${AS_FIRST + (i % 16)}:${(i >>> 5) % 500}`);
  words.push(i % 13 === 0 ? '=inactive=true' : '=active=true');
  return words;
}

/** `count` tagged `!re` sentences of bgpRouteWords, then `!done` when `done` is set. */
function encodeBgpRoutes(count, tag, { done = true } = {}) {
  const tagWord = `.tag=${tag}`;
  let buf = Buffer.allocUnsafe(Math.max(1024, count * 400));
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const words = bgpRouteWords(i);
    words.splice(1, 0, tagWord);
    for (const word of words) {
      if (word.length < 0x80) buf[offset++] = word.length;
      else offset += lengthPrefix(word.length).copy(buf, offset);
      offset += buf.latin1Write(word, offset);
    }
    buf[offset++] = 0;
  }
  if (done) offset += encodeSentence(['!done', tagWord]).copy(buf, offset);
  buf = buf.subarray(0, offset);
  return { buffer: buf, rows: count, bytes: offset };
}

module.exports = { bgpRouteWords, encodeBgpRoutes, PEERS };

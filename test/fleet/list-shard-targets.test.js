'use strict';
// A fleet's router list, its shards and what a message may name.
require('should');
const { parseRouterList, shardOf, inShard, checkShard, resolveTargets } = require('../../dist/client');

describe('fleet: the router list', function () {
  it('reads "name host[:port]" and bare "host[:port]" lines, with comments and blank lines', function () {
    const list = parseRouterList(
      [
        '# core',
        'core-1 192.0.2.1',
        'core-2 192.0.2.2:8730   # other port',
        '',
        '198.51.100.7',
        'edge [2001:db8::1]:8729',
        '2001:db8::2',
      ].join('\n'),
      8728,
    );
    list.should.eql([
      { name: 'core-1', host: '192.0.2.1', port: undefined },
      { name: 'core-2', host: '192.0.2.2', port: 8730 },
      { name: '198.51.100.7', host: '198.51.100.7', port: undefined },
      { name: 'edge', host: '2001:db8::1', port: 8729 },
      { name: '2001:db8::2', host: '2001:db8::2', port: undefined },
    ]);
  });

  for (const [text, message] of [
    ['a 192.0.2.1\na 192.0.2.2', /line 2: the name "a" is used twice/],
    ['a 192.0.2.1\nb 192.0.2.1:8728', /line 2: 192\.0\.2\.1:8728 is listed twice/],
    ['a 192.0.2.1:99999', /line 1: the port of "192\.0\.2\.1:99999" must be a number from 1 to 65535/],
    ['a b c', /line 1: "a b c" has more than a name and an address/],
    ['* 192.0.2.1', /"\*" means every router/],
  ]) {
    it(`refuses ${JSON.stringify(text)} with EINPUT`, function () {
      (() => parseRouterList(text, 8728)).should.throw(message);
      try {
        parseRouterList(text, 8728);
      } catch (err) {
        err.code.should.equal('EINPUT');
      }
    });
  }
});

describe('fleet: shards by rendezvous hashing', function () {
  const names = Array.from({ length: 1000 }, (_, i) => `router-${String(i + 1).padStart(4, '0')}`);

  it('shards 1..n of one list cover every router exactly once', function () {
    for (const n of [1, 2, 3, 7]) {
      const counts = new Map(names.map((name) => [name, 0]));
      for (let i = 1; i <= n; i++) {
        for (const name of names) if (inShard(name, { index: i, count: n })) counts.set(name, counts.get(name) + 1);
      }
      [...counts.values()].every((c) => c === 1).should.be.true(`n = ${n}`);
    }
  });

  it('going from n to n+1 instances moves at most 1.5/(n+1) of the routers, all to the new one', function () {
    for (const n of [1, 2, 4, 9]) {
      const moved = names.filter((name) => shardOf(name, n) !== shardOf(name, n + 1));
      (moved.length / names.length).should.be.belowOrEqual(1.5 / (n + 1), `n = ${n}`);
      moved.every((name) => shardOf(name, n + 1) === n + 1).should.be.true('only to the new shard');
    }
  });

  it('a shard must be i of n with 1 ≤ i ≤ n', function () {
    checkShard({ index: 2, count: 3 }).should.eql({ index: 2, count: 3 });
    (() => checkShard({ index: 4, count: 3 })).should.throw(/shard 4 of 3 is not valid/);
    (() => checkShard({ index: 0, count: 1 })).should.throw(/not valid/);
  });
});

describe('fleet: what a message may name', function () {
  const list = parseRouterList('a 127.0.0.1:9001\nb 127.0.0.1:9002\nc 127.0.0.1', 8728);
  const whole = { port: 8728, allowUnlisted: false, shard: { index: 1, count: 1 } };
  const names = (targets) => targets.routers.map((r) => r.name);

  it('a name, a listed host:port, an array and "*"', function () {
    names(resolveTargets('b', list, whole)).should.eql(['b']);
    names(resolveTargets('127.0.0.1:9001', list, whole)).should.eql(['a']);
    names(resolveTargets('127.0.0.1', list, whole)).should.eql(['c']); // the fleet's port
    names(resolveTargets(['a', 'c', 'a'], list, whole)).should.eql(['a', 'c']);
    names(resolveTargets('*', list, whole)).should.eql(['a', 'b', 'c']);
    resolveTargets('b', list, whole).routers[0].should.eql({ name: 'b', host: '127.0.0.1', port: 9002 });
  });

  it('a host not on the list is refused with EINPUT unless the fleet allows it', function () {
    (() => resolveTargets('127.0.0.1:9999', list, whole)).should.throw(/not on the fleet's list/);
    (() => resolveTargets(['a', '192.0.2.99'], list, whole)).should.throw(/"192\.0\.2\.99" is not on the fleet's list/);
    const allowed = resolveTargets('127.0.0.1:9999', list, { ...whole, allowUnlisted: true });
    allowed.routers.should.eql([{ name: '127.0.0.1:9999', host: '127.0.0.1', port: 9999 }]);
  });

  it('nothing named is EINPUT, never "all"', function () {
    for (const spec of [undefined, null, '', []]) {
      (() => resolveTargets(spec, list, whole)).should.throw(/no router given/);
    }
    (() => resolveTargets([42], list, whole)).should.throw(/must be a name, host\[:port\] or "\*"/);
  });

  it('"*" is every router of this shard; named routers of other shards are left to them', function () {
    const all = [];
    for (let i = 1; i <= 2; i++) {
      const shard = { index: i, count: 2 };
      const mine = resolveTargets('*', list, { ...whole, shard });
      all.push(...names(mine));
      mine.elsewhere.length.should.equal(3 - mine.routers.length);
    }
    all.sort().should.eql(['a', 'b', 'c']);
  });
});

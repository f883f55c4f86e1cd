'use strict';
// The RouterOS simulator driven over raw sockets with the protocol codec: login (modern and
// MD5), the API documentation's transcript word for word, the router model, queries, streams,
// cancel, fault switches, lifecycle, TLS and the scripted server.
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
require('should');
const { RouterOSSimulator, createScriptedServer, compileQuery, parseCliArgs } = require('../dist/simulator');
const { encodeSentence } = require('../dist/protocol');
const { RawSession, attrsOf, tagOf } = require('./helpers/raw-session');
const { waitFor } = require('./helpers/wait');

const CA = fs.readFileSync(path.join(__dirname, '..', 'bin', 'simulator-certs', 'ca.pem'));

/** The pre-6.43 response, computed here independently of the simulator. */
function md5Response(password, challengeHex) {
  const md5 = crypto.createHash('md5');
  md5.update(Buffer.concat([Buffer.from([0]), Buffer.from(password, 'utf8'), Buffer.from(challengeHex, 'hex')]));
  return '00' + md5.digest('hex');
}

/**
 * A reply sentence as { type, tag, attrs }, the tag compared by value wherever it stands. With
 * `keys`, only those attributes (the transcript's; a RouterOS 7 row carries many more).
 */
function shape(words, keys) {
  const attrs = attrsOf(words);
  const picked = keys ? Object.fromEntries(keys.filter((k) => k in attrs).map((k) => [k, attrs[k]])) : attrs;
  return { type: words[0], tag: tagOf(words), attrs: picked };
}
const TRANSCRIPT_KEYS = ['.id', 'disabled', 'running', 'name', 'mtu', 'type'];
/** The transcript's interface row, with the true/false routers print (the page writes yes/no). */
const IFACE = (id, name, disabled, tag) => ({
  type: '!re',
  tag,
  attrs: {
    '.id': id,
    disabled: String(disabled),
    running: String(!disabled),
    name,
    mtu: '1500',
    type: 'ether',
  },
});

describe('RouterOS simulator', function () {
  let sim;
  let sessions = [];

  async function start(options) {
    sim = new RouterOSSimulator(options);
    await sim.start();
    return sim;
  }
  async function open(extra = {}) {
    const s = await RawSession.connect({ port: sim.port, ...extra });
    sessions.push(s);
    return s;
  }
  async function loggedIn(extra) {
    const s = await open(extra);
    (await s.login()).should.eql([['!done']]);
    return s;
  }
  const names = (reply) => reply.filter((w) => w[0] === '!re').map((w) => attrsOf(w).name);

  beforeEach(async function () {
    await start();
  });
  afterEach(async function () {
    for (const s of sessions) s.destroy();
    sessions = [];
    if (sim) await sim.stop();
  });

  describe('login', function () {
    it('accepts the right name and password (6.43+ style) and emits login', async function () {
      const seen = [];
      sim.on('login', (user) => seen.push(user));
      const s = await open();
      (await s.login('admin', '')).should.eql([['!done']]);
      seen.should.eql(['admin']);
    });

    it('refuses a wrong password with the RouterOS message and keeps the socket open', async function () {
      const s = await open();
      (await s.login('admin', 'nope')).should.eql([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
      (await s.login('nobody', '')).should.eql([['!trap', '=message=invalid user name or password (6)'], ['!done']]);
      (await s.login('admin', '')).should.eql([['!done']]);
    });

    it('answers every other command with "not logged in" until login', async function () {
      const s = await open();
      (await s.command(['/interface/print', '.tag=a'])).should.eql([
        ['!trap', '.tag=a', '=message=not logged in'],
        ['!done', '.tag=a'],
      ]);
      (await s.login()).should.eql([['!done']]);
      (await s.command(['/system/identity/print'])).should.eql([['!re', '=name=MikroTik'], ['!done']]);
    });

    it('does the pre-6.43 MD5 challenge login with legacyLogin', async function () {
      await sim.stop();
      await start({ legacyLogin: true, password: 'sécret' });
      const s = await open();
      const [challenge] = await s.command(['/login']);
      challenge[0].should.equal('!done');
      const ret = attrsOf(challenge).ret;
      ret.should.match(/^[0-9a-f]{32}$/);
      (await s.command(['/login', '=name=admin', `=response=${md5Response('sécret', ret)}`])).should.eql([['!done']]);
      (await s.command(['/system/identity/print'])).should.eql([['!re', '=name=MikroTik'], ['!done']]);
    });

    it('legacy: a modern login gets a challenge, a wrong response "cannot log in"', async function () {
      await sim.stop();
      await start({ legacyLogin: true, password: 'x' });
      const s = await open();
      const [first] = await s.command(['/login', '=name=admin', '=password=x']);
      attrsOf(first).ret.should.match(/^[0-9a-f]{32}$/);
      (await s.command(['/login', '=name=admin', `=response=${md5Response('y', attrsOf(first).ret)}`])).should.eql([
        ['!trap', '=message=cannot log in'],
        ['!done'],
      ]);
    });
  });

  describe('the API documentation transcript', function () {
    // The page's sentences in the page's order, compared by type, tag value and the transcript's
    // properties: the tag may stand anywhere (the page writes it last, routers send it second)
    // and a RouterOS 7 row has more properties, with true/false where the page writes yes/no.
    it('listen tag 2, set tags 3/4, getall tag 5, cancel tag 7', async function () {
      await sim.stop();
      await start({ legacyLogin: true });
      const s = await open();
      s.send(['/login']);
      const challenge = await s.next();
      challenge.should.have.length(2);
      challenge[0].should.equal('!done');
      challenge[1].should.match(/^=ret=[0-9a-f]{32}$/);
      s.send(['/login', '=name=admin', `=response=${md5Response('', challenge[1].slice(5))}`]);
      (await s.next()).should.eql(['!done']);
      const next = async () => {
        const words = await s.next();
        return shape(words, words[0] === '!re' ? TRANSCRIPT_KEYS : undefined);
      };
      const plain = (type, tag, attrs = {}) => ({ type, tag, attrs });

      s.send(['/interface/listen', '.tag=2']);
      s.send(['/interface/set', '=disabled=yes', '=.id=ether1', '.tag=3']);
      (await next()).should.eql(plain('!done', '3'));

      s.send(['/interface/set', '=disabled=no', '=.id=ether1', '.tag=4']);
      (await next()).should.eql(IFACE('*1', 'ether1', true, '2'));
      (await next()).should.eql(plain('!done', '4'));

      s.send(['/interface/getall', '.tag=5']);
      (await next()).should.eql(IFACE('*1', 'ether1', false, '2'));
      (await next()).should.eql(IFACE('*1', 'ether1', false, '5'));
      (await next()).should.eql(IFACE('*2', 'ether2', false, '5'));
      (await next()).should.eql(plain('!done', '5'));

      s.send(['/cancel', '=tag=2', '.tag=7']);
      (await next()).should.eql(plain('!trap', '2', { category: '2', message: 'interrupted' }));
      (await next()).should.eql(plain('!done', '7'));
      (await next()).should.eql(plain('!done', '2'));
      // Nothing more for the cancelled listen: the next sentences answer a later command.
      (await s.expectOnlyReplyTo(['/system/identity/print', '.tag=8'])).should.eql([
        ['!re', '.tag=8', '=name=MikroTik'],
        ['!done', '.tag=8'],
      ]);
    });
  });

  describe('print', function () {
    it('answers an empty print with !empty then !done, or a bare !done with legacyEmpty', async function () {
      const s = await loggedIn();
      (await s.command(['/ip/address/print', '.tag=e'])).should.eql([
        ['!empty', '.tag=e'],
        ['!done', '.tag=e'],
      ]);
      sim.faults.legacyEmpty = true;
      (await s.command(['/ip/address/print'])).should.eql([['!done']]);
    });

    it('=count-only= answers !done =ret=N, after queries', async function () {
      const s = await loggedIn();
      (await s.command(['/interface/print', '=count-only='])).should.eql([['!done', '=ret=2']]);
      (await s.command(['/interface/print', '=count-only=', '?name=ether2'])).should.eql([['!done', '=ret=1']]);
      (await s.command(['/ip/address/print', '=count-only='])).should.eql([['!done', '=ret=0']]);
    });

    it('.proplist limits and orders properties, leaving out ones an item lacks', async function () {
      const s = await loggedIn();
      (await s.command(['/interface/print', '=.proplist=type,name,.id,comment', '?name=ether1'])).should.eql([
        ['!re', '=type=ether', '=name=ether1', '=.id=*1'],
        ['!done'],
      ]);
      (await s.command(['/system/resource/print', '=.proplist=cpu-count,version'])).should.eql([
        ['!re', '=cpu-count=2', '=version=7.18.2 (stable)'],
        ['!done'],
      ]);
    });

    describe('queries', function () {
      let s;
      beforeEach(async function () {
        sim.router.setInterface('ether2', { mtu: '1400', comment: 'uplink' });
        sim.router.addInterface({ name: 'bridge1', type: 'bridge', mtu: '900' });
        s = await loggedIn();
      });
      const print = async (...queries) => names(await s.command(['/interface/print', ...queries]));

      it('?name=x and ?=name=x test equality; several words are ANDed', async function () {
        (await print('?name=ether1')).should.eql(['ether1']);
        (await print('?=name=ether2')).should.eql(['ether2']);
        (await print('?type=ether', '?mtu=1400')).should.eql(['ether2']);
        (await print('?disabled=false')).should.eql(['ether1', 'ether2', 'bridge1']);
      });

      it('?name tests presence, ?-name absence', async function () {
        (await print('?comment')).should.eql(['ether2']);
        (await print('?-comment')).should.eql(['ether1', 'bridge1']);
      });

      it('?< and ?> compare numbers numerically and text as text', async function () {
        (await print('?<mtu=1500')).should.eql(['ether2', 'bridge1']);
        (await print('?>mtu=1000')).should.eql(['ether1', 'ether2']); // as strings "900" > "1000"
        (await print('?>name=ether1')).should.eql(['ether2']);
        (await print('?<comment=zzz')).should.eql(['ether2']); // no comment: not less than anything
      });

      it('?#| or, ?#& and, ?#! not', async function () {
        (await print('?name=ether1', '?name=bridge1', '?#|')).should.eql(['ether1', 'bridge1']);
        (await print('?type=ether', '?mtu=1400', '?#&')).should.eql(['ether2']);
        (await print('?type=ether', '?#!')).should.eql(['bridge1']);
        (await print('?type=ether', '?mtu=1500', '?#&!')).should.eql(['ether2', 'bridge1']);
      });

      it('?#. duplicates the top; digits pick a stack entry (top is 0)', async function () {
        // dup, negate, or: always true
        (await print('?name=ether1', '?#.!|')).should.eql(['ether1', 'ether2', 'bridge1']);
        // index at the end of the word replaces the stack with that entry: keeps ?name=ether1 only
        (await print('?name=ether1', '?type=bridge', '?#1')).should.eql(['ether1']);
        // index then an operation pushes a copy: (type=bridge) | copy of entry 1 (name=ether1), then AND
        (await print('?name=ether1', '?type=bridge', '?#1|', '?#&')).should.eql(['ether1']);
        (await print('?name=ether1', '?type=bridge', '?#1|', '?#1.|', '?#0')).should.eql(['ether1', 'bridge1']);
      });

      it('an unknown operation is a !trap', async function () {
        const reply = await s.command(['/interface/print', '?#x']);
        reply[0][0].should.equal('!trap');
        reply[1].should.eql(['!done']);
      });
    });

    it('compileQuery keeps the documented stack rules (endless true underneath)', function () {
      const row = { a: '1' };
      const get = (n) => row[n];
      compileQuery([]).call(null, get).should.be.true();
      compileQuery(['#&']).call(null, get).should.be.true(); // pops two endless trues
      compileQuery(['b', '#|']).call(null, get).should.be.true(); // false | true
      compileQuery(['b', '#!']).call(null, get).should.be.true();
      compileQuery(['a', 'b', '#5']).call(null, get).should.be.true(); // beyond the stack: true
      compileQuery(['a=1', 'b', '#0']).call(null, get).should.be.false();
    });
  });

  describe('router model', function () {
    it('/interface/set accepts *1 or the name; a comment comes last; listen sees changes', async function () {
      const s = await loggedIn();
      s.send(['/interface/listen', '=.proplist=name,mtu,comment', '.tag=l']);
      (await s.command(['/interface/set', '=.id=*2', '=mtu=1492', '=comment=wan'])).should.eql([['!done']]);
      (await s.take((w) => w.includes('.tag=l'))).should.eql([
        '!re',
        '.tag=l',
        '=name=ether2',
        '=mtu=1492',
        '=comment=wan',
      ]);
      (await s.command(['/interface/print', '?name=ether2']))[0].slice(-1).should.eql(['=comment=wan']);
      sim.router.setInterface('ether1', { disabled: 'yes' });
      (await s.take((w) => w.includes('.tag=l'))).should.eql(['!re', '.tag=l', '=name=ether1', '=mtu=1500']);
      sim.router.getInterface('*1').should.have.properties({ disabled: 'true', running: 'false' });
    });

    it('bad id, unknown parameter and bad value are traps followed by !done', async function () {
      const s = await loggedIn();
      (await s.command(['/interface/set', '=.id=ether9', '=mtu=1400'])).should.eql([
        ['!trap', '=message=no such item'],
        ['!done'],
      ]);
      (await s.command(['/interface/set', '=.id=ether1', '=colour=blue'])).should.eql([
        ['!trap', '=message=unknown parameter colour'],
        ['!done'],
      ]);
      const bad = await s.command(['/interface/set', '=.id=ether1', '=mtu=big']);
      bad[0].should.containEql('=category=1');
      sim.router.getInterface('ether1').mtu.should.equal('1500');
    });

    it('/ip/address add, print, remove; a bad id or interface is a !trap', async function () {
      const s = await loggedIn();
      s.send(['/ip/address/listen', '.tag=watch']);
      (await s.command(['/ip/address/add', '=address=198.51.100.1/24', '=interface=ether1'])).should.eql([
        ['!done', '=ret=*1'],
      ]);
      (await s.take((w) => w.includes('.tag=watch')))[2].should.equal('=.id=*1');
      (await s.command(['/ip/address/print'])).should.eql([
        [
          '!re',
          '=.id=*1',
          '=address=198.51.100.1/24',
          '=network=198.51.100.0',
          '=interface=ether1',
          '=actual-interface=ether1',
          '=invalid=false',
          '=dynamic=false',
          '=disabled=false',
        ],
        ['!done'],
      ]);
      (await s.command(['/ip/address/add', '=address=203.0.113.1/24', '=interface=nope'])).should.eql([
        ['!trap', '=category=1', '=message=input does not match any value of interface'],
        ['!done'],
      ]);
      (await s.command(['/ip/address/add', '=interface=ether1']))[0][0].should.equal('!trap');
      (await s.command(['/ip/address/remove', '=.id=*1'])).should.eql([['!done']]);
      (await s.take((w) => w.includes('.tag=watch'))).should.eql(['!re', '.tag=watch', '=.id=*1', '=.dead=true']);
      (await s.command(['/ip/address/remove', '=.id=*1'])).should.eql([['!trap', '=message=no such item'], ['!done']]);
      sim.router.print('/ip/address').should.eql([]);
    });

    it('/system/identity print and set', async function () {
      const s = await loggedIn();
      (await s.command(['/system/identity/set', '=name=core-1'])).should.eql([['!done']]);
      (await s.command(['/system/identity/getall'])).should.eql([['!re', '=name=core-1'], ['!done']]);
      sim.router.identity.should.equal('core-1');
    });

    it('/system/resource/print has RouterOS 7 fields, an advancing uptime and a cpu-load in 0..100', async function () {
      const s = await loggedIn();
      const [row] = await s.command(['/system/resource/print']);
      row
        .slice(1)
        .map((w) => w.slice(1, w.indexOf('=', 1)))
        .should.eql([
          'uptime',
          'version',
          'build-time',
          'factory-software',
          'free-memory',
          'total-memory',
          'cpu',
          'cpu-count',
          'cpu-frequency',
          'cpu-load',
          'free-hdd-space',
          'total-hdd-space',
          'write-sect-since-reboot',
          'write-sect-total',
          'architecture-name',
          'board-name',
          'platform',
        ]);
      const attrs = attrsOf(row);
      attrs.uptime.should.match(/^(\d+[wdhms])+$/);
      Number(attrs['cpu-load']).should.be.within(0, 100);
      sim.router.bootTime -= 3723_000;
      attrsOf((await s.command(['/system/resource/print', '=.proplist=uptime']))[0]).uptime.should.equal('1h2m3s');
    });
  });

  describe('/user/active', function () {
    it('prints logged-in API sessions and listens to logins and logouts', async function () {
      const a = await loggedIn();
      const [row] = await a.command(['/user/active/print']);
      attrsOf(row).should.have.properties({
        '.id': '*1',
        name: 'admin',
        address: '127.0.0.1',
        via: 'api',
        group: 'full',
        radius: 'false',
      });
      row
        .slice(1)
        .map((w) => w.slice(1, w.indexOf('=', 1)))
        .should.eql(['.id', 'when', 'name', 'address', 'via', 'group', 'radius']);
      a.send(['/user/active/listen', '.tag=u']);
      const b = await loggedIn();
      const login = await a.take((w) => w.includes('.tag=u'));
      attrsOf(login).should.have.properties({ '.id': '*2', name: 'admin', via: 'api' });
      await b.close();
      (await a.take((w) => w.includes('.tag=u'))).should.eql(['!re', '.tag=u', '=.id=*2', '=.dead=true']);
    });
  });

  describe('/tool/ping', function () {
    it('streams count probes, interval apart, then !done', async function () {
      const s = await loggedIn();
      const reply = await s.command(['/tool/ping', '=address=127.0.0.1', '=count=3', '=interval=0.01', '.tag=p']);
      reply.should.have.length(4);
      reply.slice(0, 3).forEach((w, i) => {
        w[0].should.equal('!re');
        const a = attrsOf(w);
        a.should.have.properties({
          seq: String(i),
          host: '127.0.0.1',
          size: '56',
          sent: String(i + 1),
          received: String(i + 1),
          'packet-loss': '0',
        });
        a.time.should.match(/^(\d+ms)?(\d+us)?$/);
        a.should.have.properties(['ttl', 'min-rtt', 'avg-rtt', 'max-rtt']);
        w[1].should.equal('.tag=p');
      });
      reply[3].should.eql(['!done', '.tag=p']);
    });

    it('/ping is an alias; an unreachable host times out; a missing address is a !trap', async function () {
      const s = await loggedIn();
      const reply = await s.command(['/ping', '=address=192.0.2.1', '=count=2', '=interval=0.01']);
      attrsOf(reply[1]).should.eql({
        seq: '1',
        host: '192.0.2.1',
        status: 'timeout',
        sent: '2',
        received: '0',
        'packet-loss': '100',
      });
      (await s.command(['/ping', '=count=1']))[0][0].should.equal('!trap');
    });

    it('is cancellable mid-stream', async function () {
      const s = await loggedIn();
      s.send(['/ping', '=address=::1', '=count=1000', '=interval=0.01', '.tag=p']);
      await s.take((w) => w[0] === '!re');
      s.send(['/cancel', '=tag=p', '.tag=c']);
      await s.take((w) => w[0] === '!trap' && w.includes('.tag=p'));
      await s.take((w) => w.includes('.tag=c') && w[0] === '!done');
      await s.take((w) => w.includes('.tag=p') && w[0] === '!done');
    });
  });

  describe('/cancel, /quit, errors and tags', function () {
    it('/cancel without =tag= stops every running command', async function () {
      const s = await loggedIn();
      s.send(['/interface/listen', '.tag=a']);
      s.send(['/ip/address/listen', '.tag=b']);
      (await s.command(['/cancel', '.tag=c'])).should.eql([['!done', '.tag=c']]);
      s.received.slice(-5).should.eql([
        ['!trap', '.tag=a', '=category=2', '=message=interrupted'],
        ['!trap', '.tag=b', '=category=2', '=message=interrupted'],
        ['!done', '.tag=c'],
        ['!done', '.tag=a'],
        ['!done', '.tag=b'],
      ]);
    });

    it('/cancel of an unknown tag is a !trap then !done', async function () {
      const s = await loggedIn();
      (await s.command(['/cancel', '=tag=nope', '.tag=c'])).should.eql([
        ['!trap', '.tag=c', '=category=0', '=message=no such command'],
        ['!done', '.tag=c'],
      ]);
    });

    it('/quit answers !fatal "session terminated on request" and closes', async function () {
      const s = await loggedIn();
      s.send(['/quit', '.tag=q']);
      (await s.next()).should.eql(['!fatal', 'session terminated on request']);
      await s.closed;
    });

    it('an unknown menu gets the two RouterOS traps; an unknown command "no such command"', async function () {
      const s = await loggedIn();
      (await s.command(['/ip/adress/print', '.tag=x'])).should.eql([
        ['!trap', '.tag=x', '=category=0', '=message=no such command or directory (adress)'],
        ['!trap', '.tag=x', '=message=no such command prefix'],
        ['!done', '.tag=x'],
      ]);
      (await s.command(['/interface/frobnicate'])).should.eql([['!trap', '=message=no such command'], ['!done']]);
    });

    it('many commands in flight: replies carry their tag second and interleave', async function () {
      const s = await loggedIn();
      s.send(['/ping', '=address=127.0.0.1', '=count=2', '=interval=0.02', '.tag=slow']);
      s.send(['/interface/print', '.tag=i']);
      s.send(['/system/identity/print', '.tag=n']);
      s.send(['/system/identity/print', '.tag=']); // an empty tag means untagged replies
      const [p, i, n, u] = await Promise.all([
        s.untilDone('slow'),
        s.untilDone('i'),
        s.untilDone('n'),
        s.untilDone(undefined),
      ]);
      p.should.have.length(3);
      i.should.have.length(3);
      n.should.eql([
        ['!re', '.tag=n', '=name=MikroTik'],
        ['!done', '.tag=n'],
      ]);
      u.should.eql([['!re', '=name=MikroTik'], ['!done']]);
      for (const w of [...p, ...i]) w[1].should.match(/^\.tag=/);
      const order = s.received.slice(1).map((w) => w[1]);
      order.indexOf('.tag=i').should.be.below(order.lastIndexOf('.tag=slow'));
    });

    it('a malformed byte stream closes only that connection', async function () {
      const bad = await loggedIn();
      const good = await loggedIn();
      bad.writeRaw(Buffer.from([0xf8, 1, 2, 3]));
      await bad.closed;
      (await good.command(['/system/identity/print'])).should.eql([['!re', '=name=MikroTik'], ['!done']]);
    });
  });

  describe('text encoding', function () {
    it('reads and writes words in windows-1252 with encoding: win1252', async function () {
      await sim.stop();
      await start({ encoding: 'win1252', identity: 'Café €' });
      const s = await loggedIn({ encoding: 'win1252' });
      (await s.command(['/system/identity/print'])).should.eql([['!re', '=name=Café €'], ['!done']]);
      (await s.command(['/system/identity/set', '=name=Zürich‰'])).should.eql([['!done']]);
      sim.router.identity.should.equal('Zürich‰');
      const raw = await loggedIn({ encoding: 'utf8' }); // the bytes are not UTF-8
      attrsOf((await raw.command(['/system/identity/print']))[0]).name.should.equal('Z\ufffdrich\ufffd');
    });
  });

  describe('fault switches', function () {
    it('splitWrites: every byte its own write, same replies', async function () {
      const s = await loggedIn();
      // No counters in the proplist: they move between two prints.
      const print = ['/interface/print', '=.proplist=.id,name,type,mtu,running'];
      const normal = await s.command(print);
      let chunks = 0;
      s.socket.on('data', () => chunks++);
      sim.faults.splitWrites = true;
      const split = await s.command(print);
      split.should.eql(normal);
      chunks.should.be.above(50);
    });

    it('replyDelayMs delays each reply sentence', async function () {
      const s = await loggedIn();
      sim.faults.replyDelayMs = 40;
      const started = performance.now();
      (await s.command(['/system/identity/print'])).should.have.length(2);
      // Two sentences, 40 ms each: a lower bound only (timers never fire early; load only adds).
      (performance.now() - started).should.be.aboveOrEqual(78);
    });

    it('dropMidReply: the next reply of 2+ sentences stops inside its second sentence (once)', async function () {
      const s = await loggedIn();
      (await s.command(['/system/identity/set', '=name=x'])).should.eql([['!done']]); // 1 sentence: untouched
      sim.faults.dropMidReply = true;
      s.send(['/interface/print']);
      await s.closed;
      const last = s.received[s.received.length - 1];
      last[0].should.equal('!re');
      attrsOf(last).should.have.properties({ '.id': '*1', name: 'ether1' });
      sim.faults.dropMidReply.should.be.false();
      const again = await loggedIn();
      (await again.command(['/interface/print'])).should.have.length(3);
    });

    it('fatalOnCommand answers !fatal to that command and closes', async function () {
      const s = await loggedIn();
      sim.faults.fatalOnCommand = '/system/resource/print';
      (await s.command(['/system/identity/print'])).should.have.length(2);
      s.send(['/system/resource/print', '.tag=r']);
      const fatal = await s.next();
      fatal[0].should.equal('!fatal');
      fatal.should.have.length(2);
      await s.closed;
    });

    it('stall reads and ignores everything until switched off', async function () {
      const s = await loggedIn();
      s.send(['/interface/listen', '.tag=l']);
      const ignored = new Promise((resolve) => sim.on('command', (e) => e.tag === '1' && resolve()));
      sim.faults.stall = true;
      s.send(['/system/identity/print', '.tag=1']);
      sim.router.setInterface('ether1', { mtu: '1400' });
      await ignored; // the simulator read it while stalled
      sim.faults.stall = false;
      // Neither the answer to .tag=1 nor the listen event went out, then or now: the next
      // sentences answer .tag=2.
      (await s.expectOnlyReplyTo(['/system/identity/print', '.tag=2'])).should.have.length(2);
    });

    it('sendFatal closes every session after a !fatal; dropAll destroys them', async function () {
      const a = await loggedIn();
      const b = await loggedIn();
      sim.sendFatal('router is rebooting');
      (await a.next()).should.eql(['!fatal', 'router is rebooting']);
      (await b.next()).should.eql(['!fatal', 'router is rebooting']);
      await Promise.all([a.closed, b.closed]);
      const c = await loggedIn();
      sim.dropAll();
      await c.closed;
      await waitFor(() => sim.openConnections === 0);
    });
  });

  describe('lifecycle', function () {
    it('counts connections and emits connection, command and close', async function () {
      const events = [];
      sim.on('connection', (info) => events.push(['connection', info.id]));
      sim.on('command', (c) => events.push(['command', c.words[0], c.tag]));
      sim.on('close', (info) => events.push(['close', info.id]));
      const a = await loggedIn();
      const b = await open();
      await waitFor(() => sim.openConnections === 2);
      sim.totalConnections.should.equal(2);
      await a.close();
      await b.close();
      await waitFor(() => sim.openConnections === 0);
      await waitFor(() => events.filter((e) => e[0] === 'close').length === 2);
      events.slice(0, 2).should.eql([
        ['connection', 1],
        ['command', '/login', undefined],
      ]);
      sim.totalConnections.should.equal(2);
    });

    it('restart() closes sessions and listens again on the same port, uptime from zero', async function () {
      const s = await loggedIn();
      const port = sim.port;
      sim.router.bootTime -= 3600_000;
      sim.router.addAddress({ address: '203.0.113.9/24', interface: 'ether2' });
      await sim.restart();
      await s.closed;
      sim.port.should.equal(port);
      const again = await loggedIn();
      const [row] = await again.command(['/system/resource/print', '=.proplist=uptime']);
      row.should.eql(['!re', '=uptime=0s']);
      sim.router.print('/ip/address').should.have.length(1); // configuration survives a reboot
      (await again.command(['/user/active/print', '=count-only='])).should.eql([['!done', '=ret=1']]);
    });

    it('stop() resolves with streams, delays and half-open sockets pending', async function () {
      const s = await loggedIn();
      s.send(['/ping', '=address=127.0.0.1', '=count=100000', '=interval=1']);
      // Delays beyond this test's timeout: a stop() that waited for them would fail the test.
      sim.faults.replyDelayMs = 60_000;
      s.send(['/interface/print']);
      await sim.stop();
      sim.openConnections.should.equal(0);
      await s.closed;
      sim = undefined;
    });

    it('refuses a non-loopback host unless allowed', function () {
      (() => new RouterOSSimulator({ host: '0.0.0.0' })).should.throw(/refusing to listen/);
      (() => new RouterOSSimulator({ host: '::1' })).should.not.throw();
    });

    it('speaks API-SSL with the bundled certificate (tls: true)', async function () {
      await sim.stop();
      await start({ tls: true });
      const s = await loggedIn({ tls: { ca: CA, servername: 'localhost' } });
      (await s.command(['/interface/print', '=count-only='])).should.eql([['!done', '=ret=2']]);
      s.socket.authorized.should.be.true();
    });
  });

  describe('scripted server', function () {
    let scripted;
    afterEach(async function () {
      if (scripted) await scripted.stop();
      scripted = undefined;
    });

    it('expects sentences and answers with words or raw bytes', async function () {
      scripted = createScriptedServer([
        {
          expect: ['/login', '=name=admin', '=password='],
          reply: [['!done', '=ret=0123456789abcdef0123456789abcdef']],
        },
        {
          expect: ['/interface/print', '.tag=*'],
          reply: [['!re', '=name=odd', '.tag=*'], Buffer.from([0, 0]), ['!done', '.tag=*']],
        },
        { reply: [['!fatal', 'bye']], close: true },
      ]);
      await scripted.start();
      const s = await RawSession.connect({ port: scripted.port });
      sessions.push(s);
      (await s.command(['/login', '=password=', '=name=admin']))[0][1].should.match(/^=ret=/);
      (await s.command(['/interface/print', '.tag=77'])).should.eql([
        ['!re', '=name=odd', '.tag=77'],
        ['!done', '.tag=77'],
      ]);
      (await s.next()).should.eql(['!fatal', 'bye']);
      await s.closed;
      await scripted.finished;
      scripted.received.should.have.length(2);
    });

    it('rejects finished on a sentence the script did not expect', async function () {
      scripted = createScriptedServer([{ expect: ['/login', '=name=admin', '=password='], reply: [['!done']] }]);
      await scripted.start();
      const s = await RawSession.connect({ port: scripted.port });
      sessions.push(s);
      s.send(['/login', '=name=root', '=password=']);
      await scripted.finished.should.be.rejectedWith(/step 0: expected/);
      await s.closed;
    });
  });

  describe('command line', function () {
    it('parses the bin options', function () {
      parseCliArgs([]).options.should.have.properties({
        host: '127.0.0.1',
        port: 8728,
        username: 'admin',
        password: '',
      });
      const tls = parseCliArgs(['--tls', '--user', 'api', '--password', 'p', '--legacy-login', '--identity', 'R1']);
      tls.options.should.have.properties({
        port: 8729,
        tls: true,
        username: 'api',
        password: 'p',
        legacyLogin: true,
        identity: 'R1',
      });
      parseCliArgs(['-h']).help.should.be.true();
      (() => parseCliArgs(['--port', 'x'])).should.throw(/invalid port/);
      (() => parseCliArgs(['--cert', 'a.pem'])).should.throw(/--cert and --key/);
    });

    it('the bin prints its listening line and stops on SIGTERM', async function () {
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, [
        path.join(__dirname, '..', 'bin', 'routeros-simulator.js'),
        '--port',
        '0',
      ]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitFor(() => out.includes('\n'), 5000, 'listening line');
      out.should.match(/^RouterOS simulator listening on 127\.0\.0\.1:\d+ \(user admin\)\n$/);
      const port = Number(/:(\d+) /.exec(out)[1]);
      const s = await RawSession.connect({ port });
      sessions.push(s);
      (await s.login()).should.eql([['!done']]);
      const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      (await exited).should.equal(0);
      await s.closed;
    });
  });
});

// Unused in the suite but handy to keep the raw helpers honest: encode/decode round trip.
describe('raw-session helper', function () {
  it('decodes what encodeSentence wrote', async function () {
    const server = net.createServer((socket) =>
      socket.end(Buffer.concat([encodeSentence(['!done', '=ret=1']), encodeSentence(['!fatal', 'x'])])),
    );
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const s = await RawSession.connect({ port: server.address().port });
    (await s.next()).should.eql(['!done', '=ret=1']);
    (await s.next()).should.eql(['!fatal', 'x']);
    await s.closed;
    await new Promise((r) => server.close(r));
  });
});

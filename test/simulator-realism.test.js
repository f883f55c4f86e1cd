'use strict';
// The simulator answers as captured sessions from real routers show: `.tag=` as the second word
// of every reply, true/false booleans in every menu, full RouterOS 7 /interface and
// /system/resource rows whose counters move, the pre-6.43 bare /login, and a bare !re for an
// entry that has none of the .proplist properties.
require('should');
const { RouterOSSimulator } = require('../dist/simulator');
const { RawSession, attrsOf } = require('./helpers/raw-session');

/** The property names of a reply sentence, in order. */
const namesOf = (words) => words.filter((w) => w.startsWith('=')).map((w) => w.slice(1, w.indexOf('=', 1)));

/** Every `=name=value` of a sentence as [name, value] pairs. */
const pairsOf = (words) => Object.entries(attrsOf(words));

const ETHERNET_PROPERTIES = [
  '.id',
  'name',
  'default-name',
  'type',
  'mtu',
  'actual-mtu',
  'l2mtu',
  'max-l2mtu',
  'mac-address',
  'last-link-up-time',
  'link-downs',
  'rx-byte',
  'tx-byte',
  'rx-packet',
  'tx-packet',
  'rx-drop',
  'tx-drop',
  'tx-queue-drop',
  'rx-error',
  'tx-error',
  'fp-rx-byte',
  'fp-tx-byte',
  'fp-rx-packet',
  'fp-tx-packet',
  'running',
  'disabled',
];

/** Counters that traffic moves on a running port (fast path follows receive, as captured). */
const MOVING = ['rx-byte', 'tx-byte', 'rx-packet', 'tx-packet', 'fp-rx-byte', 'fp-rx-packet'];

describe('RouterOS simulator: as real routers answer', function () {
  let sim;
  let sessions = [];

  async function start(options) {
    sim = new RouterOSSimulator(options);
    await sim.start();
  }
  async function loggedIn() {
    const s = await RawSession.connect({ port: sim.port });
    sessions.push(s);
    (await s.login()).should.eql([['!done']]);
    return s;
  }
  const rowOf = async (s, name) => (await s.command(['/interface/print', `?name=${name}`]))[0];

  beforeEach(async function () {
    await start();
  });
  afterEach(async function () {
    for (const s of sessions) s.destroy();
    sessions = [];
    await sim.stop();
  });

  describe('.tag is the second word of every reply', function () {
    it('!re, !done, !done =ret=, !trap and !empty, as in captured sessions', async function () {
      const s = await loggedIn();
      (await s.command(['/system/identity/print', '.tag=t1'])).should.eql([
        ['!re', '.tag=t1', '=name=MikroTik'],
        ['!done', '.tag=t1'],
      ]);
      (await s.command(['/ip/address/add', '=address=198.51.100.1/24', '=interface=ether1', '.tag=t2'])).should.eql([
        ['!done', '.tag=t2', '=ret=*1'],
      ]);
      (await s.command(['/interface/set', '=.id=ether9', '=mtu=1400', '.tag=t3'])).should.eql([
        ['!trap', '.tag=t3', '=message=no such item'],
        ['!done', '.tag=t3'],
      ]);
      (await s.command(['/ip/address/print', '?comment=none', '.tag=t4'])).should.eql([
        ['!empty', '.tag=t4'],
        ['!done', '.tag=t4'],
      ]);
    });

    it('in streams, their cancel trap, and for the tag of a login', async function () {
      const s = await loggedIn();
      s.send(['/interface/listen', '=.proplist=name', '.tag=L']);
      (await s.command(['/interface/disable', '=.id=ether2', '.tag=D'])).should.eql([['!done', '.tag=D']]);
      (await s.take((w) => w.includes('.tag=L'))).should.eql(['!re', '.tag=L', '=name=ether2']);
      (await s.command(['/cancel', '=tag=L', '.tag=C'])).should.eql([['!done', '.tag=C']]);
      (await s.untilDone('L')).should.eql([
        ['!trap', '.tag=L', '=category=2', '=message=interrupted'],
        ['!done', '.tag=L'],
      ]);
      const fresh = await RawSession.connect({ port: sim.port });
      sessions.push(fresh);
      (await fresh.command(['/login', '=name=admin', '=password=wrong', '.tag=in'])).should.eql([
        ['!trap', '.tag=in', '=message=invalid user name or password (6)'],
        ['!done', '.tag=in'],
      ]);
    });
  });

  describe('booleans are true/false in every menu', function () {
    it('interface, ip/address, user/active, system rows and listen events: never yes/no', async function () {
      const s = await loggedIn();
      s.send(['/interface/listen', '.tag=watch']);
      // The CLI's yes/no are accepted as input, and printed back as true/false.
      (await s.command(['/interface/set', '=.id=ether1', '=disabled=yes'])).should.eql([['!done']]);
      const event = await s.take((w) => w.includes('.tag=watch'));
      attrsOf(event).should.have.properties({ disabled: 'true', running: 'false' });
      (await s.command(['/ip/address/add', '=address=203.0.113.5/24', '=interface=ether2', '=disabled=no'])).should.eql(
        [['!done', '=ret=*1']],
      );
      const menus = ['/interface', '/ip/address', '/user/active', '/system/resource', '/system/identity'];
      const booleans = {
        '/interface': ['running', 'disabled'],
        '/ip/address': ['invalid', 'dynamic', 'disabled'],
        '/user/active': ['radius'],
      };
      for (const menu of menus) {
        const reply = await s.command([`${menu}/print`]);
        const rows = reply.filter((w) => w[0] === '!re');
        rows.length.should.be.above(0, menu);
        for (const row of [...rows, event]) {
          for (const [name, value] of pairsOf(row)) {
            ['yes', 'no'].should.not.containEql(value, `${menu} ${name}=${value}`);
          }
        }
        for (const name of booleans[menu] ?? []) {
          for (const row of rows) ['true', 'false'].should.containEql(attrsOf(row)[name], `${menu} ${name}`);
        }
      }
      sim.router.getInterface('ether1').should.have.properties({ disabled: 'true', running: 'false' });
      sim.router.print('/ip/address')[0].disabled.should.equal('false');
    });
  });

  describe('/interface rows as RouterOS 7 prints an ethernet port', function () {
    it('carries the RouterOS 7 properties in RouterOS order, with plausible values', async function () {
      const s = await loggedIn();
      const reply = await s.command(['/interface/print']);
      reply.should.have.length(3);
      for (const row of reply.slice(0, 2)) namesOf(row).should.eql(ETHERNET_PROPERTIES);
      const ether1 = attrsOf(reply[0]);
      ether1.should.have.properties({
        '.id': '*1',
        name: 'ether1',
        'default-name': 'ether1',
        type: 'ether',
        mtu: '1500',
        'actual-mtu': '1500',
        'link-downs': '0',
        running: 'true',
        disabled: 'false',
      });
      ether1['mac-address'].should.match(/^02(:[0-9A-F]{2}){5}$/); // locally administered
      ether1['mac-address'].should.not.equal(attrsOf(reply[1])['mac-address']);
      ether1['last-link-up-time'].should.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      Number(ether1.l2mtu).should.be.above(1500);
      for (const name of ETHERNET_PROPERTIES.filter((n) => /-(byte|packet|drop|error)$/.test(n))) {
        ether1[name].should.match(/^\d+$/, name);
      }
    });

    it('counters move between two prints; a disabled port stands still', async function () {
      const s = await loggedIn();
      const first = attrsOf(await rowOf(s, 'ether1'));
      const second = attrsOf(await rowOf(s, 'ether1'));
      for (const name of MOVING) Number(second[name]).should.be.above(Number(first[name]), name);
      for (const name of ['rx-drop', 'tx-drop', 'rx-error', 'tx-error']) second[name].should.equal(first[name]);

      (await s.command(['/interface/disable', '=.id=ether2'])).should.eql([['!done']]);
      const stopped = attrsOf(await rowOf(s, 'ether2'));
      const later = attrsOf(await rowOf(s, 'ether2'));
      for (const name of MOVING) later[name].should.equal(stopped[name], name);
    });

    it('a link going down and up counts in link-downs and the last-link times; mtu sets actual-mtu', async function () {
      const s = await loggedIn();
      (await s.command(['/interface/set', '=.id=ether1', '=disabled=true', '=mtu=1492'])).should.eql([['!done']]);
      const down = await rowOf(s, 'ether1');
      attrsOf(down).should.have.properties({ 'link-downs': '1', running: 'false', mtu: '1492', 'actual-mtu': '1492' });
      // The new property takes its RouterOS place, before last-link-up-time.
      namesOf(down)
        .indexOf('last-link-down-time')
        .should.equal(namesOf(down).indexOf('last-link-up-time') - 1);
      (await s.command(['/interface/enable', '=.id=ether1'])).should.eql([['!done']]);
      attrsOf(await rowOf(s, 'ether1')).should.have.properties({ 'link-downs': '1', running: 'true' });
    });

    it('a restart is a reboot: counters start from zero again', async function () {
      sim.router.refreshTraffic(Date.now() + 3_600_000); // an hour of traffic
      let s = await loggedIn();
      Number(attrsOf(await rowOf(s, 'ether1'))['rx-packet']).should.be.above(100_000);
      await sim.restart();
      s = await loggedIn();
      const after = attrsOf(await rowOf(s, 'ether1'));
      Number(after['rx-packet']).should.be.below(1000);
      after['link-downs'].should.equal('0');
    });
  });

  describe('/system/resource/print', function () {
    it('has the RouterOS 7 fields, and uptime, memory and write sectors move', async function () {
      const s = await loggedIn();
      const [first] = await s.command(['/system/resource/print']);
      namesOf(first).should.eql([
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
      const a = attrsOf(first);
      Number(a['free-memory']).should.be.below(Number(a['total-memory']));
      Number(a['free-hdd-space']).should.be.below(Number(a['total-hdd-space']));
      sim.router.bootTime -= 61_000;
      const b = attrsOf((await s.command(['/system/resource/print']))[0]);
      b.uptime.should.match(/^1m[0-9]+s$/);
      Number(b['write-sect-since-reboot']).should.be.above(Number(a['write-sect-since-reboot']));
      Number(b['write-sect-total']).should.be.above(Number(a['write-sect-total']));
    });
  });

  describe('details from captures', function () {
    it('a .proplist naming only properties an entry lacks gives a bare !re for that entry', async function () {
      sim.router.setInterface('ether2', { comment: 'uplink' });
      const s = await loggedIn();
      (await s.command(['/interface/print', '=.proplist=comment'])).should.eql([
        ['!re'],
        ['!re', '=comment=uplink'],
        ['!done'],
      ]);
      (await s.command(['/system/identity/print', '=.proplist=no-such-property', '.tag=p'])).should.eql([
        ['!re', '.tag=p'],
        ['!done', '.tag=p'],
      ]);
    });

    it('--legacy-login: a bare /login answers !done =ret=<32 hex> (tagged: the tag second)', async function () {
      await sim.stop();
      await start({ legacyLogin: true });
      const s = await RawSession.connect({ port: sim.port });
      sessions.push(s);
      const [bare] = await s.command(['/login']);
      bare.should.have.length(2);
      bare[0].should.equal('!done');
      bare[1].should.match(/^=ret=[0-9a-f]{32}$/);
      const [tagged] = await s.command(['/login', '.tag=x']);
      tagged[0].should.equal('!done');
      tagged[1].should.equal('.tag=x');
      tagged[2].should.match(/^=ret=[0-9a-f]{32}$/);
      tagged[2].should.not.equal(bare[1]); // a fresh challenge each time
    });
  });
});

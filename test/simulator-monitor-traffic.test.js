'use strict';
// The simulator's `/interface/monitor-traffic`: rates per interface once (`once`) or every
// second as a stream until /cancel, zero on a disabled interface, RouterOS's traps for a
// missing or unknown interface.
require('should');
const { RouterOSSimulator } = require('../dist/simulator');
const { RawSession, attrsOf, tagOf } = require('./helpers/raw-session');

const RATE_FIELDS = [
  'name',
  'rx-packets-per-second',
  'rx-bits-per-second',
  'fp-rx-packets-per-second',
  'fp-rx-bits-per-second',
  'rx-drops-per-second',
  'rx-errors-per-second',
  'tx-packets-per-second',
  'tx-bits-per-second',
  'fp-tx-packets-per-second',
  'fp-tx-bits-per-second',
  'tx-drops-per-second',
  'tx-queue-drops-per-second',
  'tx-errors-per-second',
];

describe('simulator: /interface/monitor-traffic', function () {
  let sim;
  let session;

  beforeEach(async function () {
    sim = new RouterOSSimulator({ host: '127.0.0.1', port: 0 });
    await sim.start();
    session = await RawSession.connect({ port: sim.port });
    (await session.login()).should.eql([['!done']]);
  });

  afterEach(async function () {
    if (session) session.destroy();
    await sim.stop();
  });

  it('with once: one row per named interface, in RouterOS order, then !done', async function () {
    const reply = await session.command(['/interface/monitor-traffic', '=interface=ether1,ether2', '=once=']);
    reply.map((w) => w[0]).should.eql(['!re', '!re', '!done']);
    reply
      .slice(0, 2)
      .map((w) => attrsOf(w).name)
      .should.eql(['ether1', 'ether2']);
    for (const words of reply.slice(0, 2)) {
      const attrs = attrsOf(words);
      Object.keys(attrs).should.eql(RATE_FIELDS);
      for (const field of RATE_FIELDS.slice(1)) attrs[field].should.match(/^\d+$/, field);
      // A running port carries traffic both ways; bits are at least 8 per packet.
      Number(attrs['rx-bits-per-second']).should.be.above(Number(attrs['rx-packets-per-second']) * 8);
      Number(attrs['tx-bits-per-second']).should.be.above(Number(attrs['tx-packets-per-second']) * 8);
    }
  });

  it('names interfaces by .id too; a disabled one shows zero', async function () {
    sim.router.setInterface('ether2', { disabled: 'true' });
    const reply = await session.command(['/interface/monitor-traffic', '=interface=*2', '=once=yes']);
    const attrs = attrsOf(reply[0]);
    attrs.name.should.equal('ether2');
    attrs['rx-bits-per-second'].should.equal('0');
    attrs['tx-packets-per-second'].should.equal('0');
  });

  it('streams a round every second with changing values until cancelled', async function () {
    session.send(['/interface/monitor-traffic', '=interface=ether1', '.tag=m']);
    const samples = [];
    for (let i = 0; i < 3; i++) {
      const words = await session.take((w) => tagOf(w) === 'm', 3000);
      words[0].should.equal('!re');
      samples.push(attrsOf(words)['rx-bits-per-second']);
    }
    new Set(samples).size.should.be.above(1, `rx rates ${samples} never change`);
    session.send(['/cancel', '=tag=m', '.tag=c']);
    (await session.take((w) => tagOf(w) === 'm' && w[0] !== '!re')).should.eql([
      '!trap',
      '.tag=m',
      '=category=2',
      '=message=interrupted',
    ]);
    await session.take((w) => tagOf(w) === 'm' && w[0] === '!done');
    await session.take((w) => tagOf(w) === 'c' && w[0] === '!done');
  });

  it('refuses a missing or unknown interface and unknown parameters', async function () {
    const trapOf = async (words) => attrsOf((await session.command(words))[0]);
    (await trapOf(['/interface/monitor-traffic', '=once='])).should.eql({
      category: '1',
      message: 'missing value(s) of argument(s) interface',
    });
    (await trapOf(['/interface/monitor-traffic', '=interface=ether9', '=once='])).should.eql({
      category: '1',
      message: 'input does not match any value of interface',
    });
    (await trapOf(['/interface/monitor-traffic', '=interface=ether1', '=colour=red'])).should.eql({
      message: 'unknown parameter colour',
    });
  });
});

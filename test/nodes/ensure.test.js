'use strict';
// routeros-ensure in Node-RED: apply, msg.dryRun, the refusal by most changes and a !trap
// part-way reaching Catch with msg.payload still saying what was applied, EINPUT before sending.
require('should');
const { helper, allNodes, flow, startSimulator, unloadAndStop, nextMessage, recordDone } = require('./setup');

describe('routeros-ensure node', function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator();
  });
  afterEach(async function () {
    await unloadAndStop(sim);
  });

  const node = {
    id: 'ens',
    type: 'routeros-ensure',
    path: '/ip/firewall/address-list',
    keys: 'address',
    unlisted: 'remove',
    restrict: '?list=blocked',
    skipDynamic: true,
    keepOrder: false,
    dryRun: false,
    maxChanges: '',
  };
  const blocklist = [{ address: '203.0.113.7' }, { address: '203.0.113.8', comment: 'feed' }];

  async function load(extra = {}) {
    await helper.load(allNodes, flow(sim, [{ ...node, ...extra }]), { conn: { password: '' } });
  }
  const blocked = () => sim.router.print('/ip/firewall/address-list').filter((r) => r.list === 'blocked');

  it('applies the list and answers with the report and the diff; msg.dryRun previews without writing', async function () {
    await load();
    let out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist, dryRun: true, topic: 'kept' });
    let msg = await out;
    msg.payload.should.have.properties({ changed: true, dryRun: true, unchanged: 0 });
    msg.routeros.diff.should.eql([
      '+ list=blocked address=203.0.113.7',
      '+ list=blocked address=203.0.113.8 comment=feed',
    ]);
    msg.topic.should.equal('kept');
    blocked().should.eql([]);
    sim.router.writeCount().should.equal(0);

    out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist });
    msg = await out;
    msg.payload.should.have.properties({ changed: true, dryRun: false });
    msg.payload.added.map((a) => a.address).should.eql(['203.0.113.7', '203.0.113.8']);
    blocked()
      .map((r) => r.address)
      .should.eql(['203.0.113.7', '203.0.113.8']);

    out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist });
    (await out).payload.should.have.properties({ changed: false, unchanged: 2 });
    sim.router.writeCount().should.equal(2);
  });

  it('a node set to dry run writes nothing unless msg.dryRun is false', async function () {
    await load({ dryRun: true });
    let out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist });
    (await out).payload.dryRun.should.be.true();
    sim.router.writeCount().should.equal(0);
    out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist, dryRun: false });
    (await out).payload.dryRun.should.be.false();
    blocked().length.should.equal(2);
  });

  it('more changes than allowed: Catch gets ELIMIT with the would-be report, nothing is written', async function () {
    await load({ maxChanges: '1' });
    const done = recordDone('ens');
    const caught = nextMessage('caught');
    helper.getNode('ens').receive({ payload: blocklist });
    const msg = await caught;
    done.stop();
    msg.error.should.have.property('code', 'ELIMIT');
    msg.payload.added.length.should.equal(2);
    msg.routeros.diff.length.should.equal(2);
    sim.router.writeCount().should.equal(0);
    done.length.should.equal(1);
    // msg.maxChanges overrides the node.
    const out = nextMessage('out');
    helper.getNode('ens').receive({ payload: blocklist, maxChanges: 2 });
    (await out).payload.added.length.should.equal(2);
  });

  it('a !trap part-way reaches Catch, and msg.payload says what was applied before it', async function () {
    await load();
    const caught = nextMessage('caught');
    helper.getNode('ens').receive({ payload: [{ address: '203.0.113.7' }, { address: 'not an address!' }] });
    const msg = await caught;
    msg.error.should.have.property('code', 'ETRAP');
    msg.routeros.error.should.have.property('code', 'ETRAP');
    msg.payload.added.map((a) => a.address).should.eql(['203.0.113.7']);
    blocked()
      .map((r) => r.address)
      .should.eql(['203.0.113.7']);
  });

  it('bad input is EINPUT and sends nothing', async function () {
    await load();
    const commands = [];
    sim.on('command', (e) => commands.push(e.words[0]));
    const caught = nextMessage('caught');
    helper.getNode('ens').receive({ payload: [{ address: '203.0.113.7' }, { address: '203.0.113.7' }] });
    const msg = await caught;
    msg.error.should.have.property('code', 'EINPUT');
    msg.error.message.should.match(/same key/);
    commands.filter((c) => c !== '/login').should.eql([]);
    const caught2 = nextMessage('caught');
    helper.getNode('ens').receive({ payload: blocklist, dryRun: 'yes' });
    (await caught2).error.message.should.match(/msg.dryRun must be true or false/);
  });
});

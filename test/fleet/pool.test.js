'use strict';
// The fleet's pool and fan-out against several simulators on loopback.
require('should');
const { RouterOSSimulator } = require('../../dist/simulator');
const { RouterPool, fanOut } = require('../../dist/client');
const { waitFor, freePort } = require('../helpers/wait');
const { silentServer } = require('../helpers/silent-server');
const { useUnhandledRejectionGuard } = require('../helpers/unhandled-rejections');

useUnhandledRejectionGuard();

async function simulators(count) {
  const sims = [];
  for (let i = 1; i <= count; i++) {
    const sim = new RouterOSSimulator({ identity: `router-${String(i).padStart(3, '0')}` });
    await sim.start();
    sims.push(sim);
  }
  return sims;
}

const routerOf = (sim, i) => ({ name: `r${i + 1}`, host: '127.0.0.1', port: sim.port });

describe('fleet: pool and fan-out', function () {
  let sims = [];
  let pool;
  const extra = [];
  afterEach(async function () {
    if (pool) await pool.close();
    await Promise.all(sims.map((sim) => sim.stop()));
    while (extra.length > 0) await extra.pop()();
    sims = [];
    pool = undefined;
  });

  it('never opens more connections than the limit (counted on the routers) and answers every router', async function () {
    sims = await simulators(6);
    let open = 0;
    let most = 0;
    for (const sim of sims) {
      sim.on('connection', () => (most = Math.max(most, ++open)));
      sim.on('close', () => open--);
    }
    pool = new RouterPool({ session: { timeout: 3000 }, maxConnections: 3 });
    const routers = sims.map(routerOf);
    const seen = [];
    const summary = await fanOut(
      routers,
      6,
      (router) => pool.call(router, '/system/identity/print'),
      (outcome) => seen.push(outcome),
    );
    summary.ok
      .slice()
      .sort()
      .should.eql(routers.map((r) => r.name).sort());
    summary.failed.should.eql({});
    seen
      .map((o) => o.value.rows[0].name)
      .sort()
      .should.eql(sims.map((_, i) => `router-${String(i + 1).padStart(3, '0')}`));
    most.should.be.belowOrEqual(3);
    pool.size.should.be.belowOrEqual(3);
  });

  it('closes a connection left idle for idleTimeout, and opens it again when needed', async function () {
    sims = await simulators(1);
    pool = new RouterPool({ session: {}, idleTimeout: 100 });
    const router = routerOf(sims[0], 0);
    await pool.call(router, '/system/identity/print');
    await waitFor(() => sims[0].openConnections === 0 && pool.size === 0, 3000, 'the idle connection closed');
    (await pool.call(router, '/system/identity/print')).rows[0].name.should.equal('router-001');
    sims[0].totalConnections.should.equal(2);
  });

  it('reads identity, version and board once per connection', async function () {
    sims = await simulators(1);
    let resourcePrints = 0;
    sims[0].on('command', (e) => {
      if (e.words[0] === '/system/resource/print') resourcePrints++;
    });
    pool = new RouterPool({ session: {} });
    const router = routerOf(sims[0], 0);
    const infos = await Promise.all([pool.info(router), pool.info(router), pool.info(router)]);
    infos[0].should.have.properties({ name: 'r1', host: '127.0.0.1', port: sims[0].port, identity: 'router-001' });
    infos[0].version.should.match(/^\d+\.\d+/);
    infos[0].board.should.be.a.String();
    infos[1].should.equal(infos[0]);
    await pool.info(router);
    resourcePrints.should.equal(1);
  });

  it('a summary with routers up, refused and silent; the silent one holds up only its own slot', async function () {
    sims = await simulators(3);
    const silent = await silentServer();
    extra.push(() => silent.close());
    const routers = [
      ...sims.map(routerOf),
      { name: 'refused-1', host: '127.0.0.1', port: await freePort() },
      { name: 'refused-2', host: '127.0.0.1', port: await freePort() },
      { name: 'silent', host: '127.0.0.1', port: silent.port },
    ];
    pool = new RouterPool({ session: { connectTimeout: 60000 } });
    const order = [];
    const summary = await fanOut(
      routers,
      2,
      (router) => pool.call(router, '/system/identity/print', undefined, { timeout: 500 }),
      (outcome) => order.push(outcome.name),
    );
    summary.ok.slice().sort().should.eql(['r1', 'r2', 'r3']);
    Object.keys(summary.failed).sort().should.eql(['refused-1', 'refused-2', 'silent']);
    summary.failed['refused-1'].code.should.equal('ECONNREFUSED');
    summary.failed.silent.code.should.equal('ETIMEOUT');
    summary.ms.should.be.a.Number();
    order.length.should.equal(6);
    pool.healthByName.get('r1').should.equal('up');
    pool.healthByName.get('refused-1').should.equal('down');
  });
});

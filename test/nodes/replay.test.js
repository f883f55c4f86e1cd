'use strict';
// The pack's nodes against a replay of each recording shipped in recordings/: the command node
// (one-shot, array, empty rows, =ret=, .section rows, a command the recording lacks), the listen
// node (recorded events, then stopped by a cancel node), both logins. The recordings are made
// from published captures, so this is the pack meeting real routers' words as far as those go.
require('should');
const fs = require('node:fs');
const path = require('node:path');
const { helper, allNodes, flow, unloadAndStop, nextMessage, collect, statusMatching } = require('./setup');
const { ReplayServer, parseRecording } = require('../../dist/simulator');
const { waitFor } = require('../helpers/wait');

const RECORDINGS = path.join(__dirname, '..', '..', 'recordings');

async function replayOf(file) {
  const server = new ReplayServer(parseRecording(fs.readFileSync(path.join(RECORDINGS, file), 'utf8')));
  await server.start();
  return server;
}

describe('nodes against replays of the shipped recordings', function () {
  let replay;
  afterEach(async function () {
    await unloadAndStop(replay);
    replay = undefined;
  });

  /** Loads command node `cmd` (plus extra nodes), sends it `msg`, resolves with what reaches `output`. */
  async function runCommand(nodeProps, msg = { payload: 'go' }, output = 'out') {
    await helper.load(allNodes, flow(replay, [{ id: 'cmd', type: 'routeros-command', ...nodeProps }]), {
      conn: { password: 'any password: the recording has none' },
    });
    const received = nextMessage(output);
    helper.getNode('cmd').receive(msg);
    return received;
  }

  function listenFlow(command, tag) {
    return flow(replay, [
      { id: 'listen', type: 'routeros-listen', command, tag, autoStart: true },
      { id: 'cancel', type: 'routeros-cancel', tag, wires: [['cancelled']] },
      { id: 'cancelled', type: 'helper', wires: [] },
    ]);
  }

  /** Deploys a listen node and a cancel node; resolves with the first `count` events, then stops the stream. */
  async function listenAndCancel(command, count) {
    const tag = 'replayed-watch';
    await helper.load(allNodes, listenFlow(command, tag), { conn: { password: 'x' } });
    const events = collect('out');
    await waitFor(() => events.length >= count, 3000, `${count} listen events`);
    const stopped = statusMatching('listen', (s) => s.text === 'routeros-listen.status.stopped');
    const cancelled = nextMessage('cancelled');
    helper.getNode('cancel').receive({ payload: 'stop' });
    (await cancelled).payload.should.eql({ tag, cancelled: true });
    await stopped;
    events.forEach((e) => e.tag.should.equal(tag));
    return events.map((e) => e.payload);
  }

  describe('librouteros-api-analysis.json (a pre-6.43 router; replies tagged second)', function () {
    beforeEach(async function () {
      replay = await replayOf('librouteros-api-analysis.json');
    });

    it('command node: a .proplist the entries lack gives empty rows', async function () {
      const msg = await runCommand({ command: '/ip/service/print', mode: 'array', proplist: 'comment' });
      msg.payload.should.eql([{}, {}, {}, {}, {}, {}, {}]);
    });

    it('command node: an add answers =ret=', async function () {
      const msg = await runCommand(
        { command: '/ip/address/add', mode: 'oneshot' },
        { attributes: { address: '192.168.1.1/24', interface: 'ether1' } },
      );
      msg.payload.should.eql({ ret: '*3' });
    });

    it('command node: a /tool/fetch progress stream arrives whole, .section kept', async function () {
      const msg = await runCommand(
        { command: '/tool/fetch', mode: 'array' },
        { attributes: { url: 'http://ping.online.net/10Mo.dat' } },
      );
      msg.payload.should.have.length(13);
      msg.payload[0].should.eql({ status: 'connecting', '.section': '0' });
      msg.payload[12].should.eql({
        status: 'finished',
        downloaded: '9765',
        total: '9765',
        duration: '13s',
        '.section': '12',
      });
    });

    it('command node: a command the recording lacks is a no such command error for Catch', async function () {
      const msg = await runCommand({ command: '/system/identity/print', mode: 'oneshot' }, { payload: 'go' }, 'caught');
      msg.error.message.should.match(/no such command/);
    });

    it('listen node: the recorded address event and its removal, then a cancel node stops it', async function () {
      const events = await listenAndCancel('/ip/address/listen', 2);
      events.should.eql([
        {
          '.id': '*A',
          address: '1.1.1.1/32',
          network: '1.1.1.1',
          interface: 'br-lan',
          'actual-interface': 'br-lan',
          invalid: 'false',
          dynamic: 'false',
          disabled: 'false',
        },
        { '.id': '*A', '.dead': 'true' },
      ]);
    });
  });

  describe('mikrotik-api-documentation.json (the manual: tag last, yes/no)', function () {
    beforeEach(async function () {
      replay = await replayOf('mikrotik-api-documentation.json');
    });

    it('command node: getall rows, with parseValues reading yes/no as booleans', async function () {
      const msg = await runCommand({ command: '/interface/getall', mode: 'array', parseValues: true });
      msg.payload
        .map((r) => [r['.id'], r.name, r.disabled, r.running, r.mtu])
        .should.eql([
          ['*1', 'ether1', false, true, 1500],
          ['*2', 'ether2', false, true, 1500],
        ]);
    });

    it('command node: the two sets answer !done; the example client user list', async function () {
      for (const disabled of ['yes', 'no']) {
        await helper.unload();
        const msg = await runCommand(
          { command: '/interface/set', mode: 'oneshot' },
          { attributes: { '.id': 'ether1', disabled } },
        );
        msg.payload.should.eql({});
      }
      await helper.unload();
      const users = await runCommand({ command: '/user/getall', mode: 'array' });
      users.payload.should.eql([
        { '.id': '*1', disabled: 'no', name: 'admin', group: 'full', address: '0.0.0.0/0', netmask: '0.0.0.0' },
      ]);
    });

    it('listen node: the two recorded interface events, then a cancel node stops it', async function () {
      const events = await listenAndCancel('/interface/listen', 2);
      events
        .map((e) => [e.name, e.disabled, e.running])
        .should.eql([
          ['ether1', 'yes', 'no'],
          ['ether1', 'no', 'yes'],
        ]);
    });
  });
});

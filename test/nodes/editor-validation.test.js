'use strict';
// The edit dialogs' validators against what the runtime does with the same value: the command
// fields of routeros-command and routeros-listen against normaliseCommand (dist/client), and the
// environment-variable forms of the connection's port and timeout against the substitution
// Node-RED's runtime applies to node properties (mapEnvVarProperties in @node-red/runtime).
// The definitions are the real ones: the inline scripts of nodes/*.html, run after
// resources/routeros-editor.js with a stub RED that records registerType.
require('should');
const fs = require('node:fs');
const path = require('node:path');
const fc = require('fast-check');
const { normaliseCommand } = require('../../dist/client');
const { mapEnvVarProperties } = require('@node-red/runtime/lib/flows/util');

const root = path.join(__dirname, '..', '..');

/** The node definitions the editor registers, by type. */
function loadDefinitions() {
  const defs = {};
  const RED = {
    _: (key) => `text of ${key}`,
    nodes: { registerType: (type, def) => (defs[type] = def) },
  };
  const window = { RED };
  const run = (code) => new Function('window', 'RED', '$', code)(window, RED, () => undefined);
  run(fs.readFileSync(path.join(root, 'resources', 'routeros-editor.js'), 'utf8'));
  for (const type of ['routeros-connection', 'routeros-command', 'routeros-listen', 'routeros-cancel']) {
    const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
    for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) run(m[1]);
  }
  return defs;
}

/** What the runtime does with a command field: '' and blanks mean "use msg.command". */
function runtimeAccepts(command) {
  if (String(command ?? '').trim() === '') return true;
  try {
    normaliseCommand(command);
    return true;
  } catch {
    return false;
  }
}

/** Whether Node-RED replaces the whole property value with an environment variable. */
function runtimeSubstitutes(value) {
  const config = { p: value };
  mapEnvVarProperties(config, 'p', { getSetting: () => 'substituted' }, config);
  return config.p === 'substituted';
}

const COMMANDS = [
  '',
  '   ',
  '/interface/print',
  '/ip/address/print',
  '/ip address print',
  ' /ip/address/print ',
  '/ip//address/print',
  '/ip /address',
  '/ip\taddress\tprint',
  '/system/resource/print',
  '/interface/wireless/registration-table/listen',
  '/a.b_c-D9',
  '/interface/print;reboot',
  '/ip/address/',
  '/ip/address /',
  '/',
  '//',
  '/ ip',
  '/interface/print?x',
  '/interface/print =name=x',
  'interface/print',
  'ip address print',
  '${CMD}',
  '/ip/ädress',
  '/ip/$x',
  '/ip/{x}',
];

describe('editor validation matches the runtime', function () {
  const defs = loadDefinitions();

  for (const type of ['routeros-command', 'routeros-listen']) {
    describe(`${type} command field`, function () {
      const property = defs[type].defaults.command;
      const valid = (v) => property.validate.call({}, v, {}) === true;

      it('accepts exactly what normaliseCommand accepts, and empty', function () {
        for (const command of COMMANDS) {
          valid(command).should.equal(
            runtimeAccepts(command),
            `editor and runtime differ on ${JSON.stringify(command)}`,
          );
        }
        valid(undefined).should.be.true();
      });

      it('agrees with normaliseCommand on generated commands', function () {
        const chars = ['/', '/', 'a', 'Z', '0', '-', '_', '.', ' ', '\t', ';', '?', '=', '$', '{', '}', 'ä', ','];
        fc.assert(
          fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }), (list) => {
            const command = list.join('');
            return valid(command) === runtimeAccepts(command);
          }),
          { numRuns: 2000, seed: 20240601 },
        );
      });

      it('is not required: empty means msg.command', function () {
        (property.required === true).should.be.false();
        valid('').should.be.true();
      });

      it('returns the catalog message on Node-RED 3.1+ and false before', function () {
        property.validate('/interface/print;reboot', {}).should.endWith(`${type}:${type}.errors.command`);
        property.validate('/interface/print;reboot').should.be.false();
        property.validate('/ip address print').should.be.true();
      });
    });
  }

  describe('routeros-connection port and timeout', function () {
    const ENV_FORMS = [
      '${ROUTEROS_PORT}',
      '$(ROUTEROS_PORT)',
      '${my-port}',
      '$ROUTEROS_PORT',
      '${ROUTEROS_PORT',
      '$ROUTEROS_PORT}',
      '$(ROUTEROS_PORT',
      '$ROUTEROS_PORT)',
      ' ${ROUTEROS_PORT}',
      '${ROUTEROS_PORT} ',
      '${A B}',
      '${}',
      '$()',
      'x${ROUTEROS_PORT}',
    ];

    for (const name of ['port', 'timeout']) {
      it(`${name} accepts an environment variable exactly when Node-RED substitutes it`, function () {
        const property = defs['routeros-connection'].defaults[name];
        for (const value of ENV_FORMS) {
          const valid = property.validate.call({}, value, {}) === true;
          valid.should.equal(runtimeSubstitutes(value), `editor and runtime differ on ${JSON.stringify(value)}`);
        }
        runtimeSubstitutes('${ROUTEROS_PORT}').should.be.true();
        runtimeSubstitutes('$ROUTEROS_PORT').should.be.false();
      });
    }

    it('still checks plain port numbers and timeouts', function () {
      const { port, timeout } = defs['routeros-connection'].defaults;
      port.validate('8728', {}).should.be.true();
      port.validate(8729, {}).should.be.true();
      port.validate(' 8728 ', {}).should.be.true();
      port.validate('0', {}).should.endWith('routeros-connection.errors.port');
      port.validate('65536', {}).should.endWith('routeros-connection.errors.port');
      port.validate('$ROUTEROS_PORT').should.be.false();
      timeout.validate('2.5', {}).should.be.true();
      timeout.validate('0', {}).should.endWith('routeros-connection.errors.timeout');
      timeout.validate('$TIMEOUT', {}).should.endWith('routeros-connection.errors.timeout');
    });
  });
});

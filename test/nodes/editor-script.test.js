'use strict';
// The editor code the routeros-command and routeros-listen dialogs share lives in one file,
// resources/routeros-editor.js, which Node-RED serves to the editor at
// resources/<module>/<file>. Both dialogs load it with a relative <script src> (so it works
// under any httpAdminRoot) and keep no copy of it; the script defines window.RouterOSEditor.
// test/e2e/ checks the dialogs that use it in a browser.
require('should');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));
const SCRIPT_FILE = path.join(root, 'resources', 'routeros-editor.js');
const SCRIPT_URL = `resources/${pkg.name}/routeros-editor.js`;
const USERS = ['routeros-command', 'routeros-listen'];
/** The cancel dialog loads it too, for the connection-or-fleet fields only. */
const LOADED_BY = [...USERS, 'routeros-cancel', 'routeros-ensure'];

const API = {
  asText: 1,
  translator: 1,
  validator: 2,
  checkCommand: 1,
  checkAttributes: 1,
  checkQueries: 1,
  checkProplist: 1,
  setupPresets: 4,
  setupAttributeList: 3,
  readAttributeList: 2,
  setupQueryList: 3,
  readQueryList: 2,
  attachCommandCompletion: 4,
  attachArgumentCompletion: 2,
  detachCompletion: 1,
  splitTyped: 1,
  targetDefaults: 1,
  setupTarget: 2,
  isFleetTarget: 0,
};

/**
 * Runs the script as the editor would, with `window` and `RED` as its globals (in this realm,
 * so should's assertions apply to what it defines); returns that window.
 */
function load(window = {}, runs = 1) {
  const run = new Function('window', 'RED', fs.readFileSync(SCRIPT_FILE, 'utf8'));
  for (let i = 0; i < runs; i++) run(window, window.RED);
  return window;
}

describe('the shared editor script', function () {
  it('is a file in resources/, which the package ships', function () {
    fs.existsSync(SCRIPT_FILE).should.be.true();
    pkg.files.should.containEql('resources/');
  });

  for (const type of LOADED_BY) {
    it(`is loaded by ${type}.html, which keeps no copy of it`, function () {
      const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
      const tags = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]*)"[^>]*><\/script>/g)].map((m) => m[1]);
      tags.should.eql([SCRIPT_URL]);
      // The editor loads a src like this one before the inline scripts of the same node set,
      // prefixed with its own root; a leading "/", "." or scheme would be taken as it is.
      /^\s*(https?:|\/|\.)/.test(tags[0]).should.be.false();
      html.indexOf(SCRIPT_URL).should.be.below(html.indexOf('<script type="text/javascript">'));
      html.should.match(/window\.RouterOSEditor/);
      html.should.match(new RegExp(`translator\\("${type}"\\)`));
      // what the shared script does is not done here again
      html.should.not.match(/editableList\(|autoComplete\(|routeros-api\/inspect|function checkAttributes/);
    });
  }

  it('defines window.RouterOSEditor with its API, once however often it runs', function () {
    const window = load({}, 2);
    const api = window.RouterOSEditor;
    api.should.be.an.Object();
    Object.isFrozen(api).should.be.true();
    for (const [name, arity] of Object.entries(API)) {
      (typeof api[name]).should.equal('function', `${name} is no function`);
      api[name].length.should.equal(arity, `${name} takes ${arity} parameter(s)`);
    }
    Object.keys(api)
      .sort()
      .should.eql([...Object.keys(API), 'VALUE_TYPES'].sort());
    api.VALUE_TYPES.should.eql(['str', 'num', 'bool', 'msg', 'flow', 'global', 'env', 'jsonata']);

    load(window).RouterOSEditor.should.equal(api);
  });

  it("translates with the calling node's catalog", function () {
    const asked = [];
    const RED = { _: (key, opts) => (asked.push([key, opts]), `<${key}>`) };
    const api = load({ RED }).RouterOSEditor;
    api
      .translator('routeros-listen')('label.addQuery')
      .should.equal(`<${pkg.name}/routeros-listen:routeros-listen.label.addQuery>`);
    api.translator('routeros-command')('presets.identity', { x: 1 });
    asked[1].should.eql([`${pkg.name}/routeros-command:routeros-command.presets.identity`, { x: 1 }]);
  });

  it('validates as Node-RED expects: a message (3.1+, given opt) or false', function () {
    const api = load().RouterOSEditor;
    const t = (key) => `text of ${key}`;
    const attributes = api.validator(t, api.checkAttributes);
    attributes.length.should.equal(2, 'the editor shows the message of two-parameter validators only');
    attributes([{ name: 'interface', value: 'ether1', type: 'str' }], {}).should.be.true();
    attributes([{ name: 'bad name', value: '' }], {}).should.equal('text of errors.attributeName');
    attributes([{ name: 'bad name', value: '' }]).should.be.false();
    (api.checkAttributes(undefined) === null).should.be.true();
    api.checkAttributes('x').should.equal('errors.attributes');
    api.checkAttributes([{ name: 'n', type: 'nope' }]).should.equal('errors.attributeType');
    api.checkAttributes([{ name: 'n', type: 'num', value: 'x' }]).should.equal('errors.attributeNumber');
    (api.checkQueries(['?type=ether', '?#|']) === null).should.be.true();
    api.checkQueries(['type=ether']).should.equal('errors.queries');
    api.checkQueries('?x').should.equal('errors.queries');
    (api.checkProplist(' name, address ') === null).should.be.true();
    api.checkProplist('name address').should.equal('errors.proplist');
    api.splitTyped('/ip/add').should.eql({ parent: ['ip'], prefix: 'add' });
    (api.splitTyped('ip/add') === null).should.be.true();
  });

  it('uses only catalog keys that both dialogs have', function () {
    const code = fs.readFileSync(SCRIPT_FILE, 'utf8');
    const keys = [...code.matchAll(/['"]((?:label|placeholder|completion|errors)\.[a-zA-Z.]*[a-zA-Z])['"]/g)].map(
      (m) => m[1],
    );
    keys.should.containDeep(['label.addAttribute', 'completion.router', 'errors.attributeName']);
    for (const type of USERS) {
      const catalog = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${type}.json`), 'utf8'))[
        type
      ];
      for (const key of keys) {
        const found = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), catalog);
        (typeof found).should.equal('string', `${type}.${key} is missing`);
      }
      for (const kind of ['menu', 'command', 'argument']) catalog.completion.type[kind].should.be.a.String();
    }
  });

  it('the connection-or-fleet fields use catalog keys every dialog has', function () {
    const window = load({ RED: { _: (key) => key } });
    const t = (key) => key;
    const defaults = window.RouterOSEditor.targetDefaults(t);
    Object.keys(defaults).should.eql(['targetType', 'connection', 'fleet', 'routers']);
    defaults.connection.validate.call({ targetType: 'connection' }, '', {}).should.equal('errors.connection');
    defaults.connection.validate.call({ targetType: 'fleet' }, '', {}).should.be.true();
    defaults.fleet.validate.call({ targetType: 'fleet' }, '_ADD_', {}).should.equal('errors.fleet');
    defaults.fleet.validate.call({ targetType: 'fleet' }, 'f1', {}).should.be.true();
    for (const type of LOADED_BY) {
      const catalog = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'locales', 'en-US', `${type}.json`), 'utf8'))[
        type
      ];
      for (const key of ['connection', 'fleet']) catalog.errors[key].should.be.a.String();
      for (const key of ['targetType', 'targetConnection', 'targetFleet', 'fleet', 'routers']) {
        (typeof catalog.label[key]).should.equal('string', `${type}.label.${key}`);
      }
    }
  });
});

'use strict';
// The status a connection's users show, worded with the connection's real catalog: a refused
// login says when the next try is.
require('should');
const path = require('node:path');
const { connectionStatus } = require('../../dist/nodes/shared/status');
const { LoginError, ConnectError } = require('../../dist/client');

const catalog = require(path.join(__dirname, '..', '..', 'nodes', 'locales', 'en-US', 'routeros-connection.json'));

/** Node-RED's i18n as far as these keys need it: a dotted key, `__name__` values. */
function translate(key, values = {}) {
  const text = key.split('.').reduce((node, part) => node && node[part], catalog);
  if (typeof text !== 'string') throw new Error(`no catalog entry ${key}`);
  return text.replace(/__(\w+)__/g, (_, name) => String(values[name]));
}

describe('connection status', function () {
  const refused = new LoginError('login to 127.0.0.1:8728 as "admin" refused: invalid user name or password (6)');

  it('a refused login: "login refused — next try in 5 min"', function () {
    connectionStatus('disconnected', refused, 300000, translate).should.eql({
      fill: 'red',
      shape: 'ring',
      text: 'login refused — next try in 5 min',
    });
  });

  it('a short retry delay is said in seconds', function () {
    connectionStatus('disconnected', refused, 20000, translate).text.should.equal('login refused — next try in 20 s');
  });

  it('other failures show their reason', function () {
    const err = new ConnectError(
      'cannot connect to 127.0.0.1:8728: connection refused (is the API service enabled?)',
      'ECONNREFUSED',
    );
    connectionStatus('disconnected', err, 1000, translate).text.should.equal('connection refused');
  });
});

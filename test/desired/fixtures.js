'use strict';
// Shared set-up for the desired-state tests: a simulator and one client, tables filled directly
// (no write commands counted), and projections of a table for comparisons.
const { RouterOSSimulator } = require('../../dist/simulator');
const { connect } = require('../../dist/client');

async function startRouter() {
  const sim = new RouterOSSimulator();
  await sim.start();
  const client = await connect({ host: '127.0.0.1', port: sim.port, username: 'admin', password: '' });
  return { sim, client };
}

async function stopRouter({ sim, client }) {
  await client.close();
  await sim.stop();
}

/** Empties a table and fills it with `rows` (arrays of [name, value]) without any command. */
function fill(table, rows) {
  for (const row of [...table.rows()]) table.remove(row.get('.id'));
  for (const fields of rows) table.add(fields);
}

/** The rows of a table as plain objects, only the named properties (absent: undefined). */
function project(table, names) {
  return table.rows().map((row) => Object.fromEntries(['.id', ...names].map((n) => [n, row.get(n)])));
}

module.exports = { startRouter, stopRouter, fill, project };

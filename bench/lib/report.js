'use strict';
// Renders the benchmark rows as tables (padded Markdown, readable in a terminal) and writes each
// into BENCHMARKS.md between its markers, keeping whatever notes surround them: the client
// scenarios (1–4) in one block, the fleet scenario (5) in another, so `--only=fleet` rewrites
// only the fleet's table and a run without it leaves that table alone.
const fs = require('node:fs');
const { rowsLabel } = require('./stats');

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';
const FLEET_BEGIN = '<!-- bench:fleet:begin (written by `npm run bench`; edit outside these markers) -->';
const FLEET_END = '<!-- bench:fleet:end -->';

const COLUMNS = [
  ['scenario', 'Scenario'],
  ['rows', 'Rows'],
  ['measure', 'Measure'],
  ['ours', 'Ours: median (min–max)'],
  ['theirs', 'node-routeros'],
  ['ratio', 'Ours vs node-routeros'],
  ['target', 'Target'],
  ['status', 'Status'],
  ['note', 'Note'],
];

const FLEET_COLUMNS = [
  ['measure', 'Measure'],
  ['ours', 'Ours: median (min–max)'],
  ['a', '(a) node-routeros, connect per message'],
  ['b', '(b) hand-made nodes'],
  ['vsA', 'Ours vs (a)'],
  ['vsB', 'Ours vs (b)'],
  ['target', 'Target'],
  ['status', 'Status'],
  ['note', 'Note'],
];

function cells(columns, row, previous) {
  return columns.map(([key]) => {
    if (key === 'scenario') return previous && previous.scenario === row.scenario ? '' : row.scenario;
    if (key === 'rows') return rowsLabel(row.rows);
    const value = row[key];
    return value === undefined || value === null ? '' : String(value).replace(/\|/g, '\\|');
  });
}

function table(rows, columns = COLUMNS) {
  const header = columns.map(([, title]) => title);
  const body = rows.map((row, i) => cells(columns, row, rows[i - 1]));
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (values) => `| ${values.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

function heading(meta) {
  const kind = meta.smoke ? 'SMOKE RUN (tiny sizes, not results)' : 'Benchmark run';
  return [
    `${kind}: ${meta.date}, ${meta.seconds.toFixed(0)} s`,
    `Machine: ${meta.machine}; load average at the end ${meta.load}`,
    `Compared with node-routeros ${meta.nodeRouteros}. Rates are medians over the runs, with (min–max).`,
  ].join('\n');
}

/** The whole printout: the client table and/or the fleet table (`fleet` = { rows, title }). */
function renderTable(rows, meta, fleet) {
  const parts = [heading(meta)];
  if (rows.length) parts.push(table(rows));
  if (fleet && fleet.rows.length) parts.push(`${fleet.title}\n\n${table(fleet.rows, FLEET_COLUMNS)}`);
  return parts.join('\n\n');
}

function block(begin, end, meta, body, failures) {
  const parts = [
    begin,
    '',
    heading(meta)
      .split('\n')
      .map((l) => `${l}  `)
      .join('\n'),
    '',
    body,
  ];
  if (failures.length) {
    parts.push(
      '',
      'Failures in this run (shown as "failed" above):',
      '',
      ...failures.map((f) => `- ${f.split('\n')[0]}`),
    );
  }
  parts.push('', end);
  return parts.join('\n');
}

function renderMarkdown(rows, failures, meta) {
  return block(BEGIN, END, meta, table(rows), failures);
}

function renderFleetMarkdown(fleet, failures, meta) {
  return block(FLEET_BEGIN, FLEET_END, meta, `${fleet.title}\n\n${table(fleet.rows, FLEET_COLUMNS)}`, failures);
}

/** Replaces the block between `begin` and `end` in `file` (or appends it, or creates the file). */
function writeBlock(file, text, begin = BEGIN, end = END) {
  let content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const from = content.indexOf(begin);
  const to = content.indexOf(end);
  if (from !== -1 && to > from) content = content.slice(0, from) + text + content.slice(to + end.length);
  else content = `${content.trimEnd()}\n\n${text}\n`;
  fs.writeFileSync(file, content);
}

/** Replaces the client scenarios' block (kept for callers of the single-table API). */
function writeResults(file, text) {
  writeBlock(file, text, BEGIN, END);
}

module.exports = {
  renderTable,
  renderMarkdown,
  renderFleetMarkdown,
  writeResults,
  writeBlock,
  BEGIN,
  END,
  FLEET_BEGIN,
  FLEET_END,
};

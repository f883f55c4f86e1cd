'use strict';
// Renders the benchmark rows as one table (a padded Markdown table, readable in a terminal)
// and writes it into BENCHMARKS.md between markers, keeping whatever notes surround them.
const fs = require('node:fs');
const { rowsLabel } = require('./stats');

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

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

function cells(row, previous) {
  return COLUMNS.map(([key]) => {
    if (key === 'scenario') return previous && previous.scenario === row.scenario ? '' : row.scenario;
    if (key === 'rows') return rowsLabel(row.rows);
    const value = row[key];
    return value === undefined || value === null ? '' : String(value).replace(/\|/g, '\\|');
  });
}

function table(rows) {
  const header = COLUMNS.map(([, title]) => title);
  const body = rows.map((row, i) => cells(row, rows[i - 1]));
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

function renderTable(rows, meta) {
  return `${heading(meta)}\n\n${table(rows)}`;
}

function renderMarkdown(rows, failures, meta) {
  const parts = [
    BEGIN,
    '',
    heading(meta)
      .split('\n')
      .map((l) => `${l}  `)
      .join('\n'),
    '',
    table(rows),
  ];
  if (failures.length) {
    parts.push(
      '',
      'Failures in this run (shown as "failed" above):',
      '',
      ...failures.map((f) => `- ${f.split('\n')[0]}`),
    );
  }
  parts.push('', END);
  return parts.join('\n');
}

/** Replaces the marked block in `file` (or appends it, or creates the file). */
function writeResults(file, block) {
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin !== -1 && end > begin) text = text.slice(0, begin) + block + text.slice(end + END.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, text);
}

module.exports = { renderTable, renderMarkdown, writeResults, BEGIN, END };

'use strict';
// Top entries of V8 profiles for the report: self time of a .cpuprofile (`node --cpu-prof`) or
// allocation sites of a .heapprofile (`node --heap-prof`).
// Usage as a script: node bench/lib/profile-summary.js FILE.cpuprofile|FILE.heapprofile [count]
const fs = require('node:fs');
const path = require('node:path');

/** Returns [{ name, where, selfMs, share }] sorted by self time (idle left out), biggest first. */
function topSelfTime(file, count = 12) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    const frame = node.callFrame;
    // Workers wait for their turn; shares are of the time spent working.
    if (frame.functionName === '(idle)') continue;
    const url = frame.url ? path.relative(process.cwd(), frame.url.replace(/^file:\/\//, '')) : '';
    const key = `${frame.functionName || '(anonymous)'}\t${url ? `${url}:${frame.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => {
      const [name, where] = key.split('\t');
      return { name, where, selfMs: ms, share: total > 0 ? ms / total : 0 };
    });
}

/** Top allocation sites of a sampling heap profile (`node --heap-prof`), by bytes still live. */
function topHeapSelf(file, count = 12) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const self = new Map();
  let total = 0;
  const walk = (node) => {
    const frame = node.callFrame;
    const url = frame.url ? path.relative(process.cwd(), frame.url.replace(/^file:\/\//, '')) : '';
    const key = `${frame.functionName || '(anonymous)'}\t${url ? `${url}:${frame.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile.head);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, bytes]) => {
      const [name, where] = key.split('\t');
      return { name, where, bytes, share: total > 0 ? bytes / total : 0 };
    });
}

function formatTop(entries) {
  return entries
    .map(
      (e) => `${(e.share * 100).toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`,
    )
    .join('\n');
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/lib/profile-summary.js FILE.cpuprofile [count]');
    process.exit(2);
  }
  const top = file.endsWith('.heapprofile') ? topHeapSelf : topSelfTime;
  console.log(formatTop(top(file, Number(count) || 12)));
}

module.exports = { topSelfTime, topHeapSelf, formatTop };

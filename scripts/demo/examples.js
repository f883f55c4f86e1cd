// Reads the pack's example flows (examples/*.json) and lays them out for a whole deploy: each
// example on a tab of its own (the tab takes the id its nodes already name in `z`), and the
// config nodes they share kept once. Used by `npm start` and the end-to-end tests.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('./node-red-runner');

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** [{ file, title, tabId, nodes }] in menu order (the numbered file names). */
function loadExamples(dir = EXAMPLES_DIR) {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const tabs = new Set(nodes.filter((n) => n.z).map((n) => n.z));
      if (tabs.size !== 1) throw new Error(`${file}: expected every flow node on one tab, found ${tabs.size}`);
      return { file, title: file.replace(/\.json$/, ''), tabId: [...tabs][0], nodes };
    });
}

/** The example's own nodes on a tab, as one deploy of it alone would send them. */
function exampleAsFlow(example) {
  return [tabFor(example), ...example.nodes];
}

function tabFor(example) {
  const comment = example.nodes.find((n) => n.type === 'comment');
  return {
    id: example.tabId,
    type: 'tab',
    label: example.title,
    disabled: false,
    info: comment ? `${comment.name}\n\n${comment.info}` : '',
    env: [],
  };
}

/**
 * Every example as one flows array: tabs first, then flow nodes, then config nodes. A config
 * node that several examples define must be the same in each (same id, same content); a
 * difference is an error rather than a silent pick.
 */
function mergeExamples(examples = loadExamples()) {
  const tabs = [];
  const flowNodes = [];
  const configs = new Map();
  const seen = new Set();
  for (const example of examples) {
    tabs.push(tabFor(example));
    for (const node of example.nodes) {
      if (!node.z) {
        const known = configs.get(node.id);
        if (known && JSON.stringify(known.node) !== JSON.stringify(node)) {
          throw new Error(`config node ${node.id} differs between ${known.file} and ${example.file}`);
        }
        if (!known) configs.set(node.id, { node, file: example.file });
        continue;
      }
      if (seen.has(node.id)) throw new Error(`node id ${node.id} is used twice (again in ${example.file})`);
      seen.add(node.id);
      flowNodes.push(node);
    }
  }
  return [...tabs, ...flowNodes, ...[...configs.values()].map((c) => c.node)];
}

module.exports = { EXAMPLES_DIR, loadExamples, exampleAsFlow, mergeExamples };

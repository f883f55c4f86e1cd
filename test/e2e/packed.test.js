'use strict';
// End to end from the tarball users install: `npm pack` of this repository, unpacked on its own
// (no node_modules beside it: the pack has no runtime dependencies) and loaded by a real Node-RED.
// The other e2e suites load the working tree, which has files the tarball may miss: built code
// outside `files`, an icon not copied to nodes/icons/, a catalog in the wrong folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
require('should');
const { startStack, printLogsOnFailure } = require('./helpers/stack');
const { loadExamples, exampleAsFlow } = require('../../scripts/demo/examples');
const { REPO_ROOT, PACKAGE } = require('../../scripts/demo/node-red-runner');

const TYPES = Object.keys(PACKAGE['node-red'].nodes);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packs the repository (already built by pretest) into `dir` and unpacks it; returns its folder. */
function packAndUnpack(dir) {
  // --ignore-scripts: prepack would build again; pretest has just built.
  const [{ filename, files }] = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    }),
  );
  execFileSync('tar', ['-xzf', path.join(dir, filename), '-C', dir]);
  return { packDir: path.join(dir, 'package'), files: files.map((f) => f.path) };
}

describe('e2e: the packed tarball in a real Node-RED runtime', function () {
  this.timeout(60000);
  let tmp;
  let packed;
  let stack;

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'routeros-pack-'));
    packed = packAndUnpack(tmp);
    stack = await startStack({ packDir: packed.packDir });
  });

  after(async function () {
    if (stack) await stack.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(function () {
    printLogsOnFailure(this.currentTest, stack);
  });

  it('ships the built code, the node files, the editor script, icons, examples, recordings and licence only', function () {
    for (const type of TYPES) {
      packed.files.should.containEql(`nodes/${type}.js`);
      packed.files.should.containEql(`nodes/${type}.html`);
      packed.files.should.containEql(`nodes/locales/en-US/${type}.json`);
      packed.files.should.containEql(`nodes/locales/en-US/${type}.html`);
    }
    packed.files.should.containEql('resources/routeros-editor.js');
    packed.files.should.containEql('LICENSE');
    packed.files.filter((f) => f.startsWith('examples/')).length.should.equal(loadExamples().length);
    const recordings = fs.readdirSync(path.join(REPO_ROOT, 'recordings')).map((f) => `recordings/${f}`);
    recordings.length.should.equal(2);
    packed.files.should.containDeep(recordings);
    const folders = new Set(packed.files.map((f) => f.split('/')[0]));
    for (const folder of ['src', 'test', 'bench', 'scripts', 'docs', 'coverage', 'node_modules']) {
      folders.has(folder).should.be.false(`${folder}/ is in the tarball`);
    }
  });

  it('loads every node type from the unpacked tarball, with no error', async function () {
    const sets = (await stack.api.nodes()).filter((set) => set.module === PACKAGE.name);
    sets
      .map((set) => set.types)
      .flat()
      .sort()
      .should.eql([...TYPES].sort());
    for (const set of sets) {
      set.should.have.properties({ enabled: true, version: PACKAGE.version });
      set.should.not.have.property('err');
    }
  });

  it('serves what the editor asks for: node html with help, catalogs, icons, the shared script', async function () {
    const get = (route, accept = '*/*') => fetch(stack.nr.url + route, { headers: { Accept: accept } });
    const html = await (await get('/nodes', 'text/html')).text();
    for (const type of TYPES) {
      html.should.match(new RegExp(`registerType\\(\\s*["']${type}["']`));
      html.should.match(new RegExp(`data-help-name="${type}"`));

      const catalog = await get(`/locales/${PACKAGE.name}/${type}?lng=en-US`);
      catalog.status.should.equal(200);
      (await catalog.json()).should.have.property(type).which.is.an.Object();
    }
    for (const icon of fs.readdirSync(path.join(REPO_ROOT, 'icons'))) {
      (await get(`/icons/${PACKAGE.name}/${icon}`)).status.should.equal(200, icon);
    }
    const script = await get(`/resources/${PACKAGE.name}/routeros-editor.js`);
    script.status.should.equal(200);
    (await script.text()).should.match(/window\.RouterOSEditor/);
  });

  it('runs an example against the simulator', async function () {
    const example = loadExamples().find((e) => e.file.startsWith('01'));
    const since = await stack.deploy(exampleAsFlow(example));
    await stack.api.inject('rosex01-inject-identity');
    const identity = await stack.comms.nextDebug('rosex01-debug-identity', { since });
    identity.payload.should.eql({ name: 'MikroTik' });
    stack.comms.problems(since).should.eql([]);
  });
});

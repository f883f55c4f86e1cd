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
// Key material the tarball may hold: the simulator's own test certificate, which
// `routeros-simulator --tls` reads (src/simulator/transport.ts), and the CA to verify it.
const SHIPPED_KEYS = [
  'bin/simulator-certs/ca.pem',
  'bin/simulator-certs/server-key.pem',
  'bin/simulator-certs/server.pem',
];
const KEY_FILE = /\.(pem|key|crt|cer|der|p12|pfx|jks)$/i;
const IMAGE_FILE = /\.(svg|png|gif|jpe?g|webp)$/i;
// The only icon folder Node-RED reads: icons/ beside the entry points package.json names.
const ICON_DIR = 'nodes/icons/';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * What the tarball must not hold, as readable lines: a source map whose sources are not in the
 * tarball, a script whose `sourceMappingURL` names a map that is not in it, key material other
 * than the simulator's own, and icons outside nodes/icons/ or in two copies.
 */
function tarballProblems(packDir, files) {
  const shipped = new Set(files);
  const inPack = (from, ref) => path.posix.normalize(path.posix.join(path.posix.dirname(from), ref));
  const problems = [];
  for (const file of files.filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(fs.readFileSync(path.join(packDir, file), 'utf8'));
    for (const source of map.sources) {
      const at = inPack(file, path.posix.join(map.sourceRoot || '', source));
      if (!shipped.has(at)) problems.push(`${file} maps to ${at}, which is not shipped`);
    }
  }
  for (const file of files.filter((f) => /\.[cm]?js$/.test(f))) {
    const url = /^\/\/# sourceMappingURL=(?!data:)(\S+)\s*$/m.exec(fs.readFileSync(path.join(packDir, file), 'utf8'));
    if (url && !shipped.has(inPack(file, url[1])))
      problems.push(`${file} names the map ${url[1]}, which is not shipped`);
  }
  for (const file of files.filter((f) => KEY_FILE.test(f) && !SHIPPED_KEYS.includes(f))) {
    problems.push(`${file} is key material the package does not use`);
  }
  const images = files.filter((f) => IMAGE_FILE.test(f));
  for (const file of images.filter((f) => !f.startsWith(ICON_DIR))) {
    problems.push(`${file} is an image outside ${ICON_DIR}, where Node-RED never looks`);
  }
  const names = images.map((f) => path.posix.basename(f));
  for (const name of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    problems.push(`${name} ships more than once`);
  }
  return problems;
}

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
    for (const folder of ['test', 'bench', 'scripts', 'docs', 'coverage', 'node_modules']) {
      folders.has(folder).should.be.false(`${folder}/ is in the tarball`);
    }
  });

  it('ships source maps only with their sources, no key but the simulator certificate, each icon once', function () {
    // The built code ships with its maps and the TypeScript they point at (see README,
    // "What the package contains"), so a stack trace or a debugger shows the real source.
    const maps = packed.files.filter((f) => f.endsWith('.js.map'));
    maps.length.should.equal(packed.files.filter((f) => /^dist\/.*\.js$/.test(f)).length);
    tarballProblems(packed.packDir, packed.files).should.eql([]);
    packed.files
      .filter((f) => KEY_FILE.test(f))
      .sort()
      .should.eql(SHIPPED_KEYS);
    packed.files
      .filter((f) => IMAGE_FILE.test(f))
      .should.eql(fs.readdirSync(path.join(REPO_ROOT, 'nodes', 'icons')).map((icon) => ICON_DIR + icon));
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
    for (const icon of fs.readdirSync(path.join(REPO_ROOT, 'nodes', 'icons'))) {
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

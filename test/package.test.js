'use strict';
// What the Flow Library's scorecard and npm need from package.json, checked offline on every
// run (`npm run scorecard` runs the real tool), and the places that must repeat the package
// name: Node-RED namespaces message catalogs and serves resources/ under it, so a rename that
// misses one shows raw i18n keys or a missing script in the editor.
require('should');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
// The scorecard's own test for a scoped name (P04).
const SCOPED = /@[a-z\d][\w-.]+\/[a-z\d][\w-.]*/;

describe('package.json', function () {
  it('has a scoped name, published publicly (npm publishes a scoped package as private otherwise)', function () {
    pkg.name.should.match(SCOPED);
    pkg.publishConfig.should.eql({ access: 'public' });
  });

  it('names a repository and a bug tracker that belong to each other (scorecard P03)', function () {
    const repo = /^git\+(https:\/\/github\.com\/[^/]+\/[^/]+)\.git$/.exec(pkg.repository.url);
    (repo !== null).should.be.true(`unexpected repository url ${pkg.repository.url}`);
    pkg.repository.type.should.equal('git');
    pkg.bugs.url.should.equal(`${repo[1]}/issues`);
    pkg.homepage.should.equal(`${repo[1]}#readme`);
  });

  it('declares MIT, the node-red keyword, Node-RED >= 3 and Node >= 18 (P01, P05, P06, P07)', function () {
    pkg.license.should.equal('MIT');
    fs.existsSync(path.join(root, 'LICENSE')).should.be.true();
    pkg.keywords.should.containEql('node-red');
    pkg['node-red'].version.should.equal('>=3.0.0');
    pkg.engines.node.should.equal('>=18');
  });

  it('has no runtime dependencies (D01)', function () {
    Object.keys(pkg.dependencies || {}).should.eql([]);
  });
});

describe('places that repeat the package name', function () {
  const files = [
    ...Object.keys(pkg['node-red'].nodes).map((type) => path.join('nodes', `${type}.html`)),
    path.join('resources', 'routeros-editor.js'),
  ];
  for (const file of files) {
    it(`${file} uses "${pkg.name}" for every catalog namespace and resource path`, function () {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      // Namespaces are "<module>/<type>:", resource paths "resources/<module>/".
      const names = [
        ...[...text.matchAll(/["']([^"'\s]+)\/routeros-[a-z]+:/g)].map((m) => m[1]),
        ...[...text.matchAll(/resources\/((?:@[^/\s]+\/)?[^/\s]+)\//g)].map((m) => m[1]),
        ...[...text.matchAll(/\bMODULE = ['"]([^'"]+)['"]/g)].map((m) => m[1]),
      ];
      names.length.should.be.above(0, `${file} names the module nowhere`);
      [...new Set(names)].should.eql([pkg.name]);
    });
  }
});

'use strict';
// Where the Node-RED runtime looks for a pack's files, checked for every node set, so a wrong
// path shows up here instead of as a blank help panel or an untranslated status in the editor.
require('should');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));

function keysOf(object, prefix = '') {
  return Object.entries(object).flatMap(([key, value]) =>
    value && typeof value === 'object' ? keysOf(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function runtimeFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? runtimeFiles(path.join(dir, entry.name))
        : entry.name.endsWith('.js')
          ? [path.join(dir, entry.name)]
          : [],
    );
}

describe('node sets as the runtime finds them', function () {
  for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
    describe(type, function () {
      const dir = path.join(root, path.dirname(file));
      const base = path.basename(file, '.js');
      const catalogFile = path.join(dir, 'locales', 'en-US', `${base}.json`);

      it('has its entry point, editor html, help and catalog beside each other', function () {
        base.should.equal(type);
        fs.existsSync(path.join(root, file)).should.be.true();
        fs.readFileSync(path.join(dir, `${base}.html`), 'utf8').should.match(
          new RegExp(`registerType\\(\\s*['"]${type}['"]`),
        );
        fs.readFileSync(path.join(dir, 'locales', 'en-US', `${base}.html`), 'utf8').should.match(
          new RegExp(`data-help-name="${type}"`),
        );
        JSON.parse(fs.readFileSync(catalogFile, 'utf8')).should.have.property(type);
      });

      it('has its icon in an icons/ folder beside the entry point', function () {
        const html = fs.readFileSync(path.join(dir, `${base}.html`), 'utf8');
        const icon = /icon:\s*['"]([^'"]+)['"]/.exec(html);
        if (/category:\s*['"]config['"]/.test(html) && !icon) return; // config nodes have no palette icon
        fs.existsSync(path.join(dir, 'icons', icon[1])).should.be.true(`${icon[1]} missing in nodes/icons`);
      });

      it('has every catalog key the runtime uses', function () {
        const catalog = new Set(keysOf(JSON.parse(fs.readFileSync(catalogFile, 'utf8'))));
        // Keys of a node set are used in its module and in the shared modules it calls.
        const runtime = runtimeFiles(path.join(root, 'dist', 'nodes'))
          .map((file) => fs.readFileSync(file, 'utf8'))
          .join('\n');
        const used = [...runtime.matchAll(new RegExp(`['"\`](${type}\\.[a-zA-Z.-]+)['"\`]`, 'g'))].map((m) => m[1]);
        for (const key of used)
          catalog.has(key).should.be.true(`${key} is used by the runtime but not in ${base}.json`);
      });
    });
  }
});

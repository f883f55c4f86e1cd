'use strict';
// The layering of src/ (protocol ← client ← desired ← nodes, client ← nodes, protocol ← simulator) is enforced by
// eslint.config.mjs. Each case lints a planted file with the project's own configuration
// and checks that a wrong import fails and a right one passes, so a config that stops
// matching (a renamed folder, a broken pattern) fails here instead of letting layers mix.
require('should');
const path = require('node:path');
const { ESLint } = require('eslint');

const root = path.join(__dirname, '..');
const RULE = '@typescript-eslint/no-restricted-imports';

// [planted file, import statement]
const WRONG = [
  ['src/protocol/planted.ts', "import { RouterOSClient } from '../client';"],
  ['src/protocol/planted.ts', "import type { RouterOSSimulator } from '../simulator';"],
  ['src/protocol/planted.ts', "export * from '../nodes/shared/status';"],
  ['src/client/planted.ts', "import { statusFor } from '../nodes/shared/status';"],
  ['src/client/planted.ts', "import { RouterOSSimulator } from '../simulator/server';"],
  ['src/nodes/planted.ts', "import { SentenceDecoder } from '../protocol';"],
  ['src/nodes/shared/planted.ts', "import { encodeWord } from '../../protocol/encoder';"],
  ['src/nodes/planted.ts', "import { RouterOSSimulator } from '../simulator';"],
  ['src/simulator/planted.ts', "import { connect } from '../client';"],
  ['src/simulator/menus/planted.ts', "import type { RouterOSSession } from '../../client/session';"],
  ['src/simulator/planted.ts', "export { statusFor } from '../nodes/shared/status';"],
  ['src/client/planted.ts', "import { ensure } from '../desired';"],
  ['src/protocol/planted.ts', "import { ensure } from '../desired/ensure';"],
  ['src/simulator/planted.ts', "import { makePlan } from '../desired/plan';"],
  ['src/desired/planted.ts', "import { failInput } from '../nodes/shared/errors';"],
  ['src/desired/planted.ts', "import { RouterOSSimulator } from '../simulator';"],
];

const RIGHT = [
  ['src/protocol/planted.ts', "import { encodeWord } from './encoder';"],
  ['src/client/planted.ts', "import { SentenceDecoder } from '../protocol';"],
  ['src/nodes/planted.ts', "import { RouterOSSession } from '../client';"],
  ['src/nodes/shared/planted.ts', "import { inspect } from '../../client/inspect';"],
  ['src/nodes/planted.ts', "import { statusFor } from './shared/status';"],
  ['src/simulator/planted.ts', "import { SentenceDecoder } from '../protocol';"],
  ['src/simulator/menus/planted.ts', "import { RouterError } from '../router';"],
  ['src/desired/planted.ts', "import { InputError } from '../client';"],
  ['src/desired/planted.ts', "import type { Attributes } from '../protocol';"],
  ['src/nodes/planted.ts', "import { ensure } from '../desired';"],
];

describe('lint: the layers of src/', function () {
  // The first lint loads typescript-eslint and the parser.
  this.timeout(30000);
  const eslint = new ESLint({ cwd: root });

  async function layerErrors(filePath, statement) {
    // `void` uses the import, so only the layer rule can object.
    const name = /import (?:type )?\{ (\w+) \}/.exec(statement);
    const code = `${statement}\n${name ? `void ${name[1]};\n` : ''}`;
    const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
    const others = result.messages.filter((m) => m.ruleId !== RULE);
    others.should.eql([], `unexpected lint messages for ${filePath}`);
    return result.messages.filter((m) => m.ruleId === RULE);
  }

  for (const [file, statement] of WRONG) {
    it(`refuses in ${file}: ${statement}`, async function () {
      const errors = await layerErrors(file, statement);
      errors.length.should.equal(1, 'the layer rule did not fire');
      errors[0].severity.should.equal(2);
      errors[0].message.should.match(/layers: protocol ← client ← desired ← nodes, protocol ← simulator/);
    });
  }

  for (const [file, statement] of RIGHT) {
    it(`allows in ${file}: ${statement}`, async function () {
      (await layerErrors(file, statement)).should.eql([]);
    });
  }
});

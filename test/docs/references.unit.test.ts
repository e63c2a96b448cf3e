/**
 * Drift test for the generated references: docs/api.md (OpenAPI of the local app) and
 * docs/cli.md (commander definitions) must equal what `npm run docs:gen` produces now.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { API_DOC, CLI_DOC, generateReferences } from '../../scripts/gen-docs';
import { renderCliReference } from '../../scripts/docs/cliReference';
import { buildProgram } from '../../runtime/cli/main';

const FIX = 'regenerate with `npm run docs:gen` and commit docs/api.md and docs/cli.md';

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i] ?? '<end of file>')}, generated ${JSON.stringify(b[i] ?? '<end of file>')}`;
  }
  return 'no difference';
}

describe('generated references (docs/api.md, docs/cli.md)', function () {
  this.timeout(60_000);
  let generated: { api: string; cli: string };
  before(async () => {
    generated = await generateReferences();
  });

  it('docs/api.md matches the OpenAPI document served at /docs/openapi.json', () => {
    const committed = readFileSync(API_DOC, 'utf8');
    assert.ok(committed === generated.api, `docs/api.md has drifted from the API (${firstDifference(committed, generated.api)}): ${FIX}`);
  });

  it('docs/cli.md matches the commander definitions of the nexus CLI', () => {
    const committed = readFileSync(CLI_DOC, 'utf8');
    assert.ok(committed === generated.cli, `docs/cli.md has drifted from the CLI (${firstDifference(committed, generated.cli)}): ${FIX}`);
  });

  it('the API reference documents every operation and the CLI reference every command', () => {
    for (const op of ['POST /commands/{aggregate}/{id}', 'GET /streams/{id}', 'POST /projections/{name}/rebuild']) {
      assert.ok(generated.api.includes(`\`${op}\``), `docs/api.md lacks ${op}`);
    }
    const walk = (c: ReturnType<typeof buildProgram>, prefix: string): string[] =>
      c.commands.flatMap((s) => [`${prefix} ${s.name()}`, ...walk(s, `${prefix} ${s.name()}`)]);
    for (const name of walk(buildProgram(), 'nexus')) assert.ok(generated.cli.includes(`\`${name}\``), `docs/cli.md lacks ${name}`);
  });

  it('a new CLI option shows up in the rendered reference (the drift check can fail)', () => {
    const program = buildProgram();
    program.commands[0]!.option('--drift-probe <x>', 'added by the test');
    assert.ok(renderCliReference(program).includes('--drift-probe <x>'));
    assert.notEqual(renderCliReference(program), generated.cli);
  });
});

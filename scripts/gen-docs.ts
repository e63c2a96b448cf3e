/**
 * `npm run docs:gen`: regenerates the generated references — docs/api.md (from the OpenAPI
 * document of the local app) and docs/cli.md (from the commander definitions). The unit test
 * test/docs/references.unit.test.ts fails when the committed files differ from this output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOpenApiDocument, renderApiReference } from './docs/apiReference';
import { renderCliReference } from './docs/cliReference';

export const API_DOC = join(__dirname, '..', 'docs', 'api.md');
export const CLI_DOC = join(__dirname, '..', 'docs', 'cli.md');

export async function generateReferences(): Promise<{ api: string; cli: string }> {
  return { api: renderApiReference(await loadOpenApiDocument()), cli: renderCliReference() };
}

if (require.main === module) {
  generateReferences()
    .then(({ api, cli }) => {
      writeFileSync(API_DOC, api);
      writeFileSync(CLI_DOC, cli);
      console.log(`wrote ${API_DOC} and ${CLI_DOC}`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

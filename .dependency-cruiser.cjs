/** Architecture rules from DESIGN.md, enforced by `npm run depcheck` (part of `npm test`). */
const cloudSdks = '^(node_modules/)?(@aws-sdk|@smithy|@google-cloud|@azure|@opensearch-project|@nats-io|pg|@pulumi)(/|$)';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make load order fragile.', from: {}, to: { circular: true } },
    { name: 'ports-are-pure', severity: 'error', comment: 'runtime/ports imports no SDK, no adapter, no core.',
      from: { path: '^runtime/ports/' }, to: { path: [cloudSdks, '^runtime/(adapters|core|http|cli)/'] } },
    { name: 'core-is-cloud-neutral', severity: 'error', comment: 'runtime/core imports no cloud SDK and no adapter.',
      from: { path: '^runtime/core/' }, to: { path: [cloudSdks, '^runtime/(adapters|http|cli)/'] } },
    { name: 'adapters-own-sdk-only', severity: 'error', comment: 'An adapter of one cloud never imports another cloud\'s adapters.',
      from: { path: '^runtime/adapters/(aws)/' }, to: { path: ['^runtime/adapters/(gcp|azure|selfhosted)/', '^(node_modules/)?(@google-cloud|@azure)/'] } },
    { name: 'gcp-adapters-own-sdk-only', severity: 'error', from: { path: '^runtime/adapters/gcp/' },
      to: { path: ['^runtime/adapters/(aws|azure|selfhosted)/', '^(node_modules/)?(@aws-sdk|@azure)/'] } },
    { name: 'azure-adapters-own-sdk-only', severity: 'error', from: { path: '^runtime/adapters/azure/' },
      to: { path: ['^runtime/adapters/(aws|gcp|selfhosted)/', '^(node_modules/)?(@aws-sdk|@google-cloud)/'] } },
    { name: 'components-use-provider-registry', severity: 'error', comment: 'components reach providers only through the provider registry.',
      from: { path: '^components/', pathNot: '^components/providerRegistry\\.ts$' }, to: { path: '^providers/' } },
    { name: 'runtime-is-not-infrastructure', severity: 'error', comment: 'The runtime bundle never loads Pulumi.',
      from: { path: '^runtime/', pathNot: '^runtime/cli/' }, to: { path: '^(node_modules/)?@pulumi/' } },
    { name: 'functions-sdk-only-in-azure-main', severity: 'error', comment: '@azure/functions is loaded only by the Azure Function App main (ADR 0125).',
      from: { pathNot: '^runtime/entrypoints/azure-functions-app\\.ts$' }, to: { path: '^(node_modules/)?@azure/functions(/|$)' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only our own build output: node_modules must stay in the graph (not followed) for the SDK
    // rules above to match, and SDKs resolve into their own dist/ folders.
    exclude: { path: '^(dist|\\.nexus)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};

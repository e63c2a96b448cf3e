// Turns the JSON of `nexus plan --stack <s> --policy --json` into a Markdown section for a PR
// comment: resource count, manifest problems and CrossGuard violations by level.
// usage: node scripts/plan-summary.cjs <stack> <plan.json> <exit code of nexus plan>
'use strict';
const { readFileSync } = require('node:fs');

const [stack, file, rc] = process.argv.slice(2);
const lines = [];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  report = undefined;
  lines.push(`### ❌ \`${stack}\``, '', `nexus plan produced no report (exit ${rc}): ${err.message}`, '');
}
if (report) {
  const violations = report.policy?.violations ?? [];
  const mandatory = violations.filter((v) => v.level === 'mandatory');
  const ok = rc === '0' && mandatory.length === 0 && (report.manifestProblems ?? []).length === 0;
  lines.push(`### ${ok ? '✅' : '❌'} \`${stack}\``, '');
  lines.push(`- resources planned: ${report.resourceCount}`);
  lines.push(`- manifest problems: ${(report.manifestProblems ?? []).length}`);
  lines.push(`- policies: ${(report.policy?.policies ?? []).length} in pack ${report.policy?.pack?.name ?? '?'}; violations: ${mandatory.length} mandatory, ${violations.length - mandatory.length} advisory`);
  if (violations.length) {
    lines.push('', '| level | policy | resource | message |', '|---|---|---|---|');
    for (const v of violations) {
      const msg = String(v.message ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ').slice(0, 300);
      lines.push(`| ${v.level} | ${v.policy} | ${v.urn ? `\`${String(v.urn).split('::').pop()}\`` : 'stack'} | ${msg} |`);
    }
  }
  lines.push('');
}
process.stdout.write(`${lines.join('\n')}\n`);

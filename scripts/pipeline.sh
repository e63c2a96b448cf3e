#!/usr/bin/env bash
# Nexus delivery pipeline, callable from any CI (the GitHub workflows in .github/workflows call it).
#
#   scripts/pipeline.sh pr [stack]      tests, schema compatibility, offline plan + CrossGuard policy
#                                       per stack; writes pipeline-out/plan-<stack>.{json,md} and
#                                       pipeline-out/summary.md (post it as the PR comment)
#   scripts/pipeline.sh deploy [stack]  per stack: pulumi preview --policy-pack policies, then
#                                       pulumi up --yes with the same pack (the real Pulumi CLI)
#
# Without [stack], every Pulumi.<stack>.yaml in the repository is used. Cloud credentials are
# expected to be short-lived and already in the environment (OIDC in the workflows); this script
# never reads or writes keys. NEXUS_SKIP_INSTALL=1 skips `npm ci`; NEXUS_SKIP_TESTS=1 skips `npm test`
# (the PR workflow runs the tests in their own job).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/pipeline.sh <pr|deploy> [stack]" >&2; exit 2; }
log() { printf '\n[pipeline] %s\n' "$*"; }
stage=${1:-}; [ -n "$stage" ] || usage
only=${2:-}

stacks() {
  if [ -n "$only" ]; then
    [ -f "Pulumi.$only.yaml" ] || { echo "[pipeline] no Pulumi.$only.yaml: expected one of $(ls Pulumi.*.yaml | sed 's/Pulumi\.\(.*\)\.yaml/\1/' | tr '\n' ' ')" >&2; exit 2; }
    echo "$only"
  else
    ls Pulumi.*.yaml | sed 's/^Pulumi\.\(.*\)\.yaml$/\1/'
  fi
}

STACKS=$(stacks)

install() {
  [ "${NEXUS_SKIP_INSTALL:-0}" = 1 ] && return 0
  log "npm ci"; npm ci --no-audit --no-fund
  log "policy pack dependencies"; (cd policies && npm install --no-audit --no-fund)
}

pr() {
  install
  if [ "${NEXUS_SKIP_TESTS:-0}" != 1 ]; then log "npm test"; npm test; fi
  log "nexus schemas check"; npx tsx runtime/cli/main.ts schemas check
  mkdir -p pipeline-out
  local failed=0 s
  for s in $STACKS; do
    log "nexus plan --stack $s --policy --json"
    local rc=0
    npx tsx runtime/cli/main.ts plan --stack "$s" --policy --json > "pipeline-out/plan-$s.json" || rc=$?
    node scripts/plan-summary.cjs "$s" "pipeline-out/plan-$s.json" "$rc" > "pipeline-out/plan-$s.md"
    cat "pipeline-out/plan-$s.md"
    [ "$rc" = 0 ] || failed=1
  done
  cat pipeline-out/plan-*.md > pipeline-out/summary.md
  return $failed
}

deploy() {
  command -v pulumi >/dev/null || { echo "[pipeline] the Pulumi CLI is required for deploy (https://www.pulumi.com/docs/install/)" >&2; exit 1; }
  install
  local s
  for s in $STACKS; do
    log "pulumi preview --stack $s --policy-pack policies"
    pulumi preview --stack "$s" --policy-pack policies --non-interactive --diff
    log "pulumi up --stack $s --policy-pack policies"
    pulumi up --stack "$s" --policy-pack policies --yes --non-interactive
  done
}

case "$stage" in
  pr) pr ;;
  deploy) deploy ;;
  *) usage ;;
esac

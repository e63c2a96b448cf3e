#!/usr/bin/env node
// Entry point of the `nexus` CLI: registers tsx so the TypeScript sources run as they are.
require('tsx/cjs');
require('../runtime/cli/main.ts');

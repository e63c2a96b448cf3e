/**
 * Governance rules over the schema registry, checked at preview time: every event type in
 * `schemas/` is registered in the stack's registry, and no schema version in the plan is
 * incompatible with the earlier versions of its subject under the subject's mode. The check is
 * Nexus' own (runtime/core/schema, ADR 0021), so every cloud gets the same contract.
 */
import * as path from 'node:path';
import type { StackValidationPolicy } from '@pulumi/policy';
import { loadSchemaDir, type SchemaSet } from '../runtime/core/schema/schemaFiles';
import { checkCompatibility } from '../runtime/core/schema/compatibility';
import { configWithDefaults } from './policyKit';
import { collect, type Mapping } from './mapping/types';
import { registryMappings, type PlannedRegistry, type PlannedSchema, type RegistryFacts } from './mapping/schemas';

export interface SchemasConfig { readonly schemasDir: string }
/** The repository's schemas/ next to this pack; relative config paths resolve against the pack's cwd. */
export const SCHEMAS_DEFAULTS: SchemasConfig = { schemasDir: path.resolve(__dirname, '..', 'schemas') };
const schemasSchema = {
  properties: { schemasDir: { type: 'string' as const, description: 'Directory of <context>/<EventType>.v<N>.avsc files and registry.json; default: ../schemas from the pack.' } },
};

type Report = (message: string, urn?: string) => void;

function loadSet(cfg: SchemasConfig, report: Report): SchemaSet | undefined {
  try {
    return loadSchemaDir(path.resolve(cfg.schemasDir));
  } catch (err) {
    report(`cannot read the event schemas at ${cfg.schemasDir}: ${(err as Error).message}`);
    return undefined;
  }
}

function split(facts: readonly { resource: { urn: string }; facts: RegistryFacts }[]) {
  const schemas = facts.filter((f): f is { resource: { urn: string }; facts: PlannedSchema } => f.facts.kind === 'schema');
  const registries = facts.filter((f): f is { resource: { urn: string }; facts: PlannedRegistry } => f.facts.kind === 'registry');
  return { schemas, registries };
}

/** Registration problems of a plan against the schema set. Pure. */
export function registrationProblems(set: SchemaSet, planned: readonly PlannedSchema[], registries: readonly PlannedRegistry[]): string[] {
  const out: string[] = [];
  const totalVersions = [...set.subjects.values()].reduce((n, s) => n + s.versions.length, 0);
  if (planned.length === 0 && registries.length === 0) return ['the plan has no schema registry; expected one holding every event type in schemas/'];
  if (planned.length === 0) {
    for (const r of registries) {
      if (r.declaredVersions === undefined) out.push(`${r.label} registers no event schemas; schemas/ has ${set.subjects.size} event types`);
      else if (r.declaredVersions < totalVersions) out.push(`${r.label} declares ${r.declaredVersions} schema versions; schemas/ has ${totalVersions}`);
    }
    return out;
  }
  const bySubject = new Map(planned.map((p) => [p.subject, p]));
  for (const [subject, files] of set.subjects) {
    const p = bySubject.get(subject);
    const latest = files.versions.length;
    if (!p) out.push(`event type ${subject} (schemas/${files.versions[latest - 1]?.path ?? '?'}) is not registered in the stack's registry`);
    else if (p.version !== undefined && p.version < latest) out.push(`${p.label} registers ${subject} v${p.version}; schemas/ has v${latest}`);
  }
  for (const p of planned) if (!set.subjects.has(p.subject)) out.push(`${p.label} registers ${p.subject}, which has no schema file in schemas/`);
  return out;
}

/** Compatibility problems of one planned version against the earlier files of its subject. Pure. */
export function compatibilityProblems(set: SchemaSet, p: PlannedSchema): string[] {
  const files = set.subjects.get(p.subject);
  if (!files) return [];
  const version = p.version ?? files.versions.length;
  const mode = files.compatibility ?? set.defaultCompatibility;
  const out: string[] = [];
  if (p.compatibility && p.compatibility !== mode) out.push(`${p.label} sets compatibility ${p.compatibility}; schemas/registry.json says ${mode} for ${p.subject}`);
  const history = files.versions.filter((v) => v.version < version).map((v) => ({ version: v.version, schema: v.schema }));
  try {
    const result = checkCompatibility(p.definition, history, mode, { candidateLabel: `v${version}` });
    for (const m of result.messages) out.push(`${p.label}: ${p.subject} v${version} is not ${mode}-compatible: ${m}`);
  } catch (err) {
    out.push(`${p.label}: ${p.subject} v${version} is not a valid Avro schema: ${(err as Error).message}`);
  }
  return out;
}

export function schemasRegisteredPolicy(mappings: readonly Mapping<RegistryFacts>[]): StackValidationPolicy {
  return {
    name: 'schemas-registered',
    description: 'Every event type in schemas/ is registered in the stack\'s schema registry.',
    enforcementLevel: 'mandatory',
    configSchema: schemasSchema,
    validateStack: (args, report) => {
      const set = loadSet(configWithDefaults(args, SCHEMAS_DEFAULTS), report);
      if (!set) return;
      const { schemas, registries } = split(collect(mappings, args.resources));
      for (const problem of registrationProblems(set, schemas.map((s) => s.facts), registries.map((r) => r.facts))) report(problem);
    },
  };
}

export function schemaCompatiblePolicy(mappings: readonly Mapping<RegistryFacts>[]): StackValidationPolicy {
  return {
    name: 'schema-compatible',
    description: 'No schema version in the plan is incompatible with the earlier versions of its subject under the subject\'s mode.',
    enforcementLevel: 'mandatory',
    configSchema: schemasSchema,
    validateStack: (args, report) => {
      const set = loadSet(configWithDefaults(args, SCHEMAS_DEFAULTS), report);
      if (!set) return;
      for (const { resource, facts } of split(collect(mappings, args.resources)).schemas) {
        for (const problem of compatibilityProblems(set, facts)) report(problem, resource.urn);
      }
    },
  };
}

export const schemasRegistered = schemasRegisteredPolicy(registryMappings);
export const schemaCompatible = schemaCompatiblePolicy(registryMappings);

export const governancePolicies = [schemasRegistered, schemaCompatible];

/**
 * Translation of planned resources (graph.ts) into the analyzer's protobuf messages, as the
 * Pulumi engine builds them for a policy pack: AnalyzeRequest for one resource (type, name, URN,
 * inputs as a Struct, options with parent and protect) and AnalyzerResource for AnalyzeStack
 * (plus parent, dependencies and per-property dependencies).
 */
import { createRequire } from 'node:module';
import type * as analyzerPb from '@pulumi/pulumi/proto/analyzer_pb';
import type { PlannedResource } from './graph';

/* eslint-disable @typescript-eslint/no-require-imports */
const pb = require('@pulumi/pulumi/proto/analyzer_pb') as typeof analyzerPb;
/* eslint-enable @typescript-eslint/no-require-imports */
const pulumiRequire = createRequire(require.resolve('@pulumi/pulumi/package.json'));
type StructInstance = NonNullable<ReturnType<analyzerPb.AnalyzeRequest['getProperties']>>;
const structPb = pulumiRequire('google-protobuf/google/protobuf/struct_pb.js') as { Struct: { fromJavaScript(o: Record<string, unknown>): StructInstance } };

/** JSON-safe copy: drops undefined, turns non-finite numbers and functions into nothing. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {}, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? undefined : v))) as Record<string, unknown>;
}

export function toStruct(o: Readonly<Record<string, unknown>>): StructInstance {
  return structPb.Struct.fromJavaScript(plain(o));
}

function options(r: PlannedResource): analyzerPb.AnalyzerResourceOptions {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  if (r.parent) o.setParent(r.parent);
  return o;
}

export function toAnalyzeRequest(r: PlannedResource): analyzerPb.AnalyzeRequest {
  const req = new pb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(r.urn);
  req.setProperties(toStruct(r.inputs));
  req.setOptions(options(r));
  return req;
}

export function toAnalyzerResource(r: PlannedResource): analyzerPb.AnalyzerResource {
  const res = new pb.AnalyzerResource();
  res.setType(r.type);
  res.setName(r.name);
  res.setUrn(r.urn);
  res.setProperties(toStruct(r.inputs));
  res.setOptions(options(r));
  if (r.parent) res.setParent(r.parent);
  res.setDependenciesList([...r.dependsOn]);
  const deps = res.getPropertydependenciesMap();
  for (const [k, urns] of Object.entries(r.propertyDependencies)) {
    const d = new pb.AnalyzerPropertyDependencies();
    d.setUrnsList([...urns]);
    deps.set(k, d);
  }
  return res;
}

/**
 * Validation of the deploy → runtime manifest against runtime/manifest.schema.json (JSON Schema
 * 2020-12, ajv with the `discriminator` keyword so only the branch named by `kind` is checked and
 * errors point at the real field). Used by the entry points before createRuntime and by the
 * provider contract test; errors name the path (`manifest.bus.queues.sagas.dlqUrl: ...`).
 */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from './manifest.schema.json';
import { MANIFEST_VERSION, type NexusManifest } from './manifest';
import { InvalidArgumentError } from './ports/errors';

const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true });
addFormats(ajv);
const validate = ajv.compile<NexusManifest>(schema);

/** `/bus/queues/sagas/dlqUrl` → `manifest.bus.queues.sagas.dlqUrl`. */
function pathOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = e.keyword === 'required' ? [(e.params as { missingProperty: string }).missingProperty] : [];
  const extra = e.keyword === 'additionalProperties' ? [(e.params as { additionalProperty: string }).additionalProperty] : [];
  const tag = e.keyword === 'discriminator' ? [(e.params as { tag: string }).tag] : [];
  return ['manifest', ...parts, ...missing, ...extra, ...tag].join('.');
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required': return 'is required';
    case 'additionalProperties': return 'is not allowed here';
    case 'const': return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum': return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'discriminator': {
      const p = e.params as { error: string; tag: string; tagValue?: unknown };
      return p.error === 'mapping' ? `kind ${JSON.stringify(p.tagValue)} is not known` : `"${p.tag}" ${p.error === 'tag' ? 'must be a string' : 'is invalid'}`;
    }
    default: return e.message ?? e.keyword;
  }
}

export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
}

/** Every problem with `value` as a manifest ([] when valid). */
export function manifestProblems(value: unknown): ManifestProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => ({ path: pathOf(e), message: describe(e) }));
}

/**
 * Parse and validate a manifest (JSON text or an already-parsed value). Throws
 * InvalidArgumentError naming the first bad path and listing all problems.
 */
export function parseManifest(json: unknown): NexusManifest {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InvalidArgumentError('manifest', `not valid JSON (${(e as Error).message})`);
    }
  }
  const version = (value as { manifestVersion?: unknown } | null)?.manifestVersion;
  if (typeof value === 'object' && value !== null && version !== undefined && version !== MANIFEST_VERSION) {
    throw new InvalidArgumentError('manifest.manifestVersion', `version ${JSON.stringify(version)} is not supported; this runtime reads version ${MANIFEST_VERSION}`);
  }
  const problems = manifestProblems(value);
  if (problems.length > 0) {
    const first = problems[0]!;
    const rest = problems.slice(1).map((p) => `${p.path}: ${p.message}`);
    throw new InvalidArgumentError(first.path, first.message + (rest.length ? `; also ${rest.join('; ')}` : ''));
  }
  return value as NexusManifest;
}

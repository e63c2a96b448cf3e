/**
 * GCP naming rules in one place: resource ids with each service's length/charset limits, labels,
 * and the conventions the runtime adapters rely on (subscription and schema ids). Pure functions;
 * no Pulumi import, so the runtime's GCP adapters may import them too.
 */
import { cloudName } from '../../components/naming';

/** Firestore database id: 4-63 chars, [a-z0-9-], starts with a letter. */
export function firestoreDatabaseId(name: string): string {
  return letterFirst(cloudName(name, 63));
}

/** Service account id: 6-30 chars, [a-z0-9-], starts with a letter. */
export function serviceAccountId(name: string): string {
  const id = letterFirst(cloudName(name, 30));
  return id.length >= 6 ? id : `${id}-sa-id`.slice(0, 30);
}

/** Cloud Run service name: at most 49 chars, [a-z0-9-], starts with a letter. */
export function cloudRunServiceName(name: string): string {
  return letterFirst(cloudName(name, 49));
}

/** Pub/Sub topic/subscription id (3-255 chars); kept short for readable consoles. */
export function pubsubId(name: string): string {
  return letterFirst(cloudName(name, 100));
}

/** The push subscription of one consumer group on one bus path. */
export function subscriptionId(busName: string, group: string, path: 'core' | 'noncritical'): string {
  return pubsubId(`${busName}-${group}-${path}`);
}

/**
 * Pub/Sub schema id of one schema version: `<prefix><subject>_v<version>`, dots kept (allowed in
 * schema ids), anything outside [A-Za-z0-9-_.] turned into "_". The GCP registry adapter derives
 * the same id from the manifest's `subjectPrefix`.
 */
export function pubsubSchemaId(subjectPrefix: string, subject: string, version: number): string {
  return `${subjectPrefix}${subject}_v${version}`.replace(/[^A-Za-z0-9\-_.]/g, '_');
}

/** Labels: keys/values lower-case [a-z0-9_-], at most 63 chars; keys start with a letter. */
export function gcpLabels(tags: Readonly<Record<string, string>>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...tags, ...extra })) {
    const key = letterFirst(k.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63));
    out[key] = v.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
  }
  return out;
}

function letterFirst(id: string): string {
  return /^[a-z]/.test(id) ? id : `n${id}`.slice(0, Math.max(id.length, 1));
}

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
 * Pub/Sub schema id of a registry subject: `<prefix><subject>` with characters Pub/Sub ids do not
 * allow %-encoded; its revisions are the subject's versions (ADR 0064, PubSubSchemaRegistry).
 */
export function pubsubSubjectSchemaId(subjectPrefix: string, subject: string): string {
  return `${subjectPrefix}${encodeURIComponent(subject)}`;
}

/** The registry's config schema (compatibility modes in its latest revision's `doc`). */
export function pubsubConfigSchemaId(subjectPrefix: string): string {
  return `${subjectPrefix}~config`;
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

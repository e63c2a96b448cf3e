/**
 * The GCP runtime's Cloud Run services, built from the shared bundle: the bundle directory is
 * uploaded as a zip to a private bucket and built by Cloud Run's source build (Node.js 22 base
 * image) into an Artifact Registry repository. Two services run the same bundle in different
 * roles: `api` (public: commands, queries, WebSockets) and `worker` (internal-only: relay,
 * projections, sagas, snapshots).
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/gcp/storage';
import * as artifactregistry from '@pulumi/gcp/artifactregistry';
import * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import type { NexusManifest } from '../../runtime/manifest';
import type { ApiAuth } from '../../components/config';
import type { GcpContext } from './common';
import { cloudName } from '../../components/naming';

export const GCP_ENTRY_FILE = 'gcp-cloudrun.js';
export const NODE_BASE_IMAGE = 'us-central1-docker.pkg.dev/serverless-runtimes/google-22/runtimes/nodejs22';

export interface RuntimeSource {
  readonly sourceLocation: pulumi.Output<string>;
  readonly imageRepo: pulumi.Output<string>;
}

export function runtimeSource(name: string, ctx: GcpContext, bundleDir: string, parent: pulumi.Resource): RuntimeSource {
  const bucket = new storage.Bucket(`${name}-source`, {
    project: ctx.project,
    name: cloudName(`${ctx.project}-${name}-source`, 63),
    location: ctx.region,
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
    forceDestroy: !ctx.protect,
    lifecycleRules: [{ action: { type: 'Delete' }, condition: { numNewerVersions: 10 } }],
    labels: ctx.labels,
  }, { parent });
  const object = new storage.BucketObject(`${name}-bundle`, {
    bucket: bucket.name,
    name: 'runtime-bundle.zip',
    source: new pulumi.asset.FileArchive(bundleDir),
  }, { parent });
  const repo = new artifactregistry.Repository(`${name}-images`, {
    project: ctx.project,
    location: ctx.region,
    repositoryId: cloudName(`${name}-images`, 63),
    format: 'DOCKER',
    description: 'Images Cloud Run builds from the Nexus runtime bundle',
    cleanupPolicies: [{ id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: 10 } }],
    labels: ctx.labels,
  }, { parent });
  return {
    sourceLocation: pulumi.interpolate`gs://${bucket.name}/${object.name}`,
    imageRepo: pulumi.interpolate`${ctx.region}-docker.pkg.dev/${ctx.project}/${repo.repositoryId}`,
  };
}

export interface ServiceSpec {
  readonly serviceName: pulumi.Input<string>;
  readonly role: 'api' | 'worker';
  readonly email: pulumi.Input<string>;
  readonly manifest: pulumi.Input<NexusManifest>;
  readonly source: RuntimeSource;
  readonly memoryMb: pulumi.Input<number>;
  readonly dependsOn: pulumi.Resource[];
  /** Token verification of the API (api role only). */
  readonly auth?: ApiAuth;
}

/** The API's JWT settings as the entry point reads them (runtime/entrypoints/app.ts authFrom). */
export function authEnvs(auth: ApiAuth | undefined): Array<{ name: string; value: string }> {
  if (!auth) return [];
  return [
    { name: 'NEXUS_JWKS_URL', value: auth.jwksUrl },
    ...(auth.issuer ? [{ name: 'NEXUS_JWT_ISSUER', value: auth.issuer }] : []),
    ...(auth.audience ? [{ name: 'NEXUS_JWT_AUDIENCE', value: auth.audience }] : []),
  ];
}

/** Cloud Run memory limit string ("512Mi"); Cloud Run needs at least 512Mi with 1 vCPU for Node. */
export function memoryLimit(mb: number): string {
  if (!Number.isInteger(mb) || mb < 128) throw new Error(`runtime memory ${mb} MB; expected an integer >= 128`);
  return `${mb}Mi`;
}

export function runtimeService(name: string, ctx: GcpContext, s: ServiceSpec, parent: pulumi.Resource): cloudrunv2.Service {
  const image = pulumi.interpolate`${s.source.imageRepo}/${s.serviceName}:latest`;
  return new cloudrunv2.Service(`${name}-${s.role}`, {
    project: ctx.project,
    location: ctx.region,
    name: s.serviceName,
    description: s.role === 'api' ? 'Nexus API: commands, queries, WebSocket notifications' : 'Nexus worker: relay, projections, sagas, snapshots',
    // Only the API is reachable from the internet; Pub/Sub push, Eventarc and Scheduler are internal sources.
    ingress: s.role === 'api' ? 'INGRESS_TRAFFIC_ALL' : 'INGRESS_TRAFFIC_INTERNAL_ONLY',
    deletionProtection: ctx.protect,
    labels: { ...ctx.labels, 'nexus-role': s.role },
    buildConfig: {
      sourceLocation: s.source.sourceLocation,
      baseImage: NODE_BASE_IMAGE,
      imageUri: image,
      enableAutomaticUpdates: true,
      // The bundle's Cloud Run entry point (scripts/build-bundle.ts); NEXUS_ROLE picks api or worker.
      environmentVariables: { GOOGLE_ENTRYPOINT: `node ${GCP_ENTRY_FILE}` },
    },
    template: {
      serviceAccount: s.email,
      timeout: s.role === 'api' ? '3600s' : '600s',
      // WebSocket clients reconnect to the same instance where possible.
      sessionAffinity: s.role === 'api',
      maxInstanceRequestConcurrency: s.role === 'api' ? 80 : 10,
      scaling: { minInstanceCount: 0, maxInstanceCount: s.role === 'api' ? 20 : 10 },
      containers: [{
        image,
        baseImageUri: NODE_BASE_IMAGE,
        envs: [
          { name: 'NEXUS_ROLE', value: s.role },
          { name: 'NEXUS_MANIFEST', value: pulumi.output(s.manifest).apply((m) => JSON.stringify(m)) },
          { name: 'NODE_ENV', value: 'production' },
          ...(s.role === 'api' ? authEnvs(s.auth) : []),
        ],
        resources: { limits: { cpu: '1', memory: pulumi.output(s.memoryMb).apply(memoryLimit) }, cpuIdle: true, startupCpuBoost: true },
        ports: { containerPort: 8080 },
      }],
    },
  }, { parent, dependsOn: s.dependsOn });
}

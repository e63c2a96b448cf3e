/**
 * Builds AWS SDK v3 clients from manifest sections for the aws adapter factories. Credentials
 * come from the SDK's default chain (the Lambda role in production) unless the entry point put
 * static keys in ctx.secrets (`aws.accessKeyId` / `aws.secretAccessKey`, e.g. for a local
 * endpoint). Never reads process.env itself. Clients are shared per (service, region, endpoint).
 */
import type { AdapterContext } from '../types';

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function clientConfig(section: { readonly region: string; readonly endpoint?: string }, ctx: AdapterContext): AwsClientConfig {
  const accessKeyId = ctx.secrets['aws.accessKeyId'];
  const secretAccessKey = ctx.secrets['aws.secretAccessKey'];
  return {
    region: section.region,
    ...(section.endpoint ? { endpoint: section.endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}

const cache = new Map<string, unknown>();

/** One client per service and config: the four DynamoDB stores share one connection pool. */
export function sharedClient<T>(service: string, config: AwsClientConfig, make: (c: AwsClientConfig) => T): T {
  const key = `${service}|${config.region}|${config.endpoint ?? ''}|${config.credentials?.accessKeyId ?? ''}`;
  let client = cache.get(key) as T | undefined;
  if (!client) {
    client = make(config);
    cache.set(key, client);
  }
  return client;
}

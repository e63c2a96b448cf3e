/**
 * Customer-managed keys for GCP components (prod): one key ring per component and one key per
 * service that encrypts with it, rotated every 90 days, plus the grant that lets the service's
 * Google-managed agent use the key.
 */
import * as pulumi from '@pulumi/pulumi';
import * as kms from '@pulumi/gcp/kms';
import type { GcpContext } from './common';

export const KEY_ROTATION_PERIOD = '7776000s'; // 90 days

export interface ComponentKeys {
  readonly ring: kms.KeyRing;
  /** Creates a key and grants `agentMember` encrypt/decrypt on it; returns the key id. */
  key(suffix: string, agentMember: pulumi.Input<string>): { key: kms.CryptoKey; grant: kms.CryptoKeyIAMMember };
}

export function componentKeys(name: string, ctx: GcpContext, parent: pulumi.Resource): ComponentKeys {
  const ring = new kms.KeyRing(`${name}-keyring`, { name: `${name}-keyring`, location: ctx.region, project: ctx.project }, { parent, protect: ctx.protect });
  return {
    ring,
    key(suffix, agentMember) {
      const key = new kms.CryptoKey(
        `${name}-${suffix}-key`,
        {
          name: `${name}-${suffix}`,
          keyRing: ring.id,
          purpose: 'ENCRYPT_DECRYPT',
          rotationPeriod: KEY_ROTATION_PERIOD,
          labels: ctx.labels,
        },
        { parent, protect: ctx.protect },
      );
      const grant = new kms.CryptoKeyIAMMember(
        `${name}-${suffix}-key-agent`,
        { cryptoKeyId: key.id, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: agentMember },
        { parent },
      );
      return { key, grant };
    },
  };
}

/**
 * Network rules for the data plane (event store, bus, search, registry, keys): not reachable from
 * the internet, and TLS 1.2+ enforced where the service lets us choose. Cloud-neutral functions
 * over mapping/network.ts.
 */
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { validateMapped, type Mapping } from './mapping/types';
import { exposureMappings, tlsMappings, type ExposureFacts, type TlsFacts } from './mapping/network';

export function noPublicDataPlanePolicy(mappings: readonly Mapping<ExposureFacts>[]): ResourceValidationPolicy {
  return {
    name: 'no-public-data-plane',
    description: 'Data-plane stores, buses, search and the schema registry are not reachable from the public internet.',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      for (const reason of f.exposure) report(`${f.label} is publicly reachable: ${reason}.`);
    }),
  };
}

export function tlsEnforcedPolicy(mappings: readonly Mapping<TlsFacts>[]): ResourceValidationPolicy {
  return {
    name: 'tls-enforced',
    description: 'Data-plane endpoints accept only TLS 1.2 or later.',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      for (const problem of f.tls) report(`${f.label}: ${problem}.`);
    }),
  };
}

export const noPublicDataPlane = noPublicDataPlanePolicy(exposureMappings);
export const tlsEnforced = tlsEnforcedPolicy(tlsMappings);

export const networkPolicies = [noPublicDataPlane, tlsEnforced];

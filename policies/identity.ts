/**
 * Identity rules: runtime identities are least-privilege — no wildcard actions or resources on
 * data stores, no owner/admin roles. A cloud-neutral function over mapping/identity.ts.
 */
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { validateMapped, type Mapping } from './mapping/types';
import { grantMappings, type GrantFacts } from './mapping/identity';

export function runtimeLeastPrivilegePolicy(mappings: readonly Mapping<GrantFacts>[]): ResourceValidationPolicy {
  return {
    name: 'runtime-least-privilege',
    description: 'Runtime identities get no wildcard actions or resources on data stores and no owner or admin roles.',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      for (const problem of f.problems) report(`${f.label} ${problem}.`);
    }),
  };
}

export const runtimeLeastPrivilege = runtimeLeastPrivilegePolicy(grantMappings);

export const identityPolicies = [runtimeLeastPrivilege];

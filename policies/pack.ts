/**
 * Every policy of the Nexus pack, by area. Kept apart from index.ts (which starts the analyzer
 * server as a side effect) so tests and tools can import the policies without serving them.
 */
import type { Policies } from '@pulumi/policy';
import { storagePolicies } from './storage';
import { messagingPolicies } from './messaging';
import { networkPolicies } from './network';
import { identityPolicies } from './identity';
import { governancePolicies } from './governance';
import { alarmPolicies } from './alarms';
import { costPolicies } from './cost';

export const allPolicies: Policies = [
  ...storagePolicies, ...messagingPolicies, ...networkPolicies, ...identityPolicies,
  ...governancePolicies, ...alarmPolicies, ...costPolicies,
];

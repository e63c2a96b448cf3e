/**
 * The Nexus CrossGuard policy pack: the event-sourcing architecture's rules, the same on AWS, GCP
 * and Azure. `pulumi preview --policy-pack policies` runs it through the Pulumi CLI;
 * `nexus plan --stack <s> --policy` runs this same file as the CLI would (a child process serving
 * the analyzer over gRPC) against the graph planned offline. See docs/policies.md.
 */
import { PolicyPack } from '@pulumi/policy';
import { allPolicies } from './pack';

new PolicyPack('nexus', {
  description: 'Event-sourcing rules for Nexus stacks: encrypted, recoverable, protected stores; dead-lettered, ordered messaging; private TLS-only data plane; least-privilege identities; registered, compatible schemas; alarms; a monthly budget.',
  enforcementLevel: 'mandatory',
  policies: allPolicies,
});

/**
 * Messaging rules: every consumer of the bus (queue, subscription, stream trigger, consumer
 * group) and every scheduled trigger of the runtime has a dead-letter target and a bounded number
 * of deliveries, and the core path keeps per-stream order. Cloud-neutral functions over
 * mapping/messaging.ts.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { configWithDefaults } from './policyKit';
import { collect, validateMapped, type Mapping } from './mapping/types';
import { consumerMappings, orderingMappings, type ConsumerFacts, type OrderingFacts } from './mapping/messaging';

export interface DeadLetterConfig { readonly maxDeliveryAttempts: number }
/**
 * 20: room for a Lambda stream trigger's retries with bisectBatchOnFunctionError (each split of a
 * failing batch uses a retry; isolating one poison record in 100 takes ~7) on top of the usual 5-10.
 */
export const DEAD_LETTER_DEFAULTS: DeadLetterConfig = { maxDeliveryAttempts: 20 };

/** Problems with one consumer's dead-lettering, given the configured ceiling. Pure. */
export function deadLetterProblems(f: ConsumerFacts, cfg: DeadLetterConfig): string[] {
  const out: string[] = [];
  if (!f.deadLetterTarget) out.push(`${f.label} has no dead-letter target; a poison message would be retried until it expires or block its partition.`);
  for (const fn of f.undeadletteredFunctions ?? []) {
    out.push(`${f.label} invokes Lambda function ${fn} asynchronously, but no async invocation config sends its failed runs to a dead-letter target (FunctionEventInvokeConfig destinationConfig.onFailure); a failing run would be retried twice and dropped.`);
  }
  if (f.maxDeliveries === 'unbounded') out.push(`${f.label} retries without bound; expected at most ${cfg.maxDeliveryAttempts} deliveries before dead-lettering.`);
  else if (typeof f.maxDeliveries === 'number' && f.maxDeliveries > cfg.maxDeliveryAttempts) {
    out.push(`${f.label} allows ${f.maxDeliveries} deliveries; expected at most ${cfg.maxDeliveryAttempts} before dead-lettering.`);
  }
  return out;
}

export function consumerDeadLetterPolicy(mappings: readonly Mapping<ConsumerFacts>[]): StackValidationPolicy {
  return {
    name: 'consumer-dead-letter',
    description: 'Every subscription, queue, stream trigger, consumer group and scheduled trigger has a dead-letter target and a bounded delivery count.',
    enforcementLevel: 'mandatory',
    configSchema: {
      properties: {
        maxDeliveryAttempts: { type: 'integer', minimum: 1, default: DEAD_LETTER_DEFAULTS.maxDeliveryAttempts, description: 'Most deliveries allowed before a message is dead-lettered.' },
      },
    },
    validateStack: (args, report) => {
      const cfg = configWithDefaults(args, DEAD_LETTER_DEFAULTS);
      for (const { resource, facts } of collect(mappings, args.resources)) {
        for (const problem of deadLetterProblems(facts, cfg)) report(problem, resource.urn);
      }
    },
  };
}

export function corePathOrderedPolicy(mappings: readonly Mapping<OrderingFacts>[]): ResourceValidationPolicy {
  return {
    name: 'core-path-ordered',
    description: 'Queues, topics and subscriptions on the core path deliver each stream\'s events in order.',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      if (!f.ordered) report(`${f.label} is on the core path but does not preserve per-stream order; expected ${f.how}.`);
    }),
  };
}

export const consumerDeadLetter = consumerDeadLetterPolicy(consumerMappings);
export const corePathOrdered = corePathOrderedPolicy(orderingMappings);

export const messagingPolicies = [consumerDeadLetter, corePathOrdered];

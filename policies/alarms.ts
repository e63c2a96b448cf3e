/**
 * Operability rule: the stack alarms on what breaks an event-sourced system quietly — dead
 * letters waiting (bus), relay lag (runtime: stored events not reaching the bus), and throttling
 * of the store and of the bus — and every such alarm notifies someone. On AWS every dead-letter
 * queue has its own depth alarm. A cloud-neutral stack rule over mapping/alarms.ts.
 */
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { Queue } from '@pulumi/aws/sqs';
import { get, isDeadLetterName, str } from './policyKit';
import { collect, typeOf, type Mapping } from './mapping/types';
import { ALARM_SIGNALS, alarmMappings, type AlarmFacts, type AlarmSignal } from './mapping/alarms';

const SIGNAL_WORDS: Readonly<Record<AlarmSignal, string>> = {
  'dlq-depth': 'dead letters waiting (event bus)',
  'relay-lag': 'relay lag (runtime: stored events not yet on the bus)',
  'store-throttling': 'event store throttling',
  'bus-throttling': 'event bus throttling',
};

/** Missing signals and silent alarms for a set of classified alarms. Pure. */
export function alarmProblems(alarms: readonly AlarmFacts[]): string[] {
  const out: string[] = [];
  for (const signal of ALARM_SIGNALS) {
    const covering = alarms.filter((a) => a.signals.includes(signal));
    if (covering.length === 0) out.push(`no alarm for ${SIGNAL_WORDS[signal]}`);
    else if (!covering.some((a) => a.notifies)) out.push(`the alarms for ${SIGNAL_WORDS[signal]} (${covering.map((a) => a.label).join(', ')}) notify nobody`);
  }
  return out;
}

/** AWS dead-letter queues with no depth alarm watching them (alarm dimensions name the queue). */
export function unwatchedDeadLetterQueues(resources: readonly PolicyResource[], alarms: readonly AlarmFacts[]): PolicyResource[] {
  const watched = alarms.filter((a) => a.signals.includes('dlq-depth')).flatMap((a) => a.watches);
  return resources.filter((r) => r.type === typeOf(Queue) && isDeadLetterName(r.name)).filter((q) => {
    const physical = str(get(q.props, 'name'));
    return !watched.some((w) => w === physical || w === q.name || w.startsWith(`${q.name}-`));
  });
}

export function componentAlarmsPolicy(mappings: readonly Mapping<AlarmFacts>[]): StackValidationPolicy {
  return {
    name: 'component-alarms',
    description: 'The stack alarms, with a notification target, on dead-letter depth, relay lag and store and bus throttling.',
    enforcementLevel: 'mandatory',
    validateStack: (args, report) => {
      const alarms = collect(mappings, args.resources).map((a) => a.facts);
      for (const problem of alarmProblems(alarms)) report(`${problem}; expected an alarm with a notification target.`);
      for (const q of unwatchedDeadLetterQueues(args.resources, alarms)) report(`dead-letter queue ${q.name} has no depth alarm.`, q.urn);
    },
  };
}

export const componentAlarms = componentAlarmsPolicy(alarmMappings);

export const alarmPolicies = [componentAlarms];

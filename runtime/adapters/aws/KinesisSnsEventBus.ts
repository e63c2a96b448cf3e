/**
 * The `kinesis+sns` EventBus of an AWS stack: one port, two paths. Core messages go to
 * KinesisEventBus (ordered per partition key), non-critical ones to SnsSqsEventBus (best-effort
 * order); subscriptions route by their path; the dead-letter queue spans the core DLQ and every
 * group's DLQ, and a redrive goes back through the path the message came from.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BusMessage, DeadLetterQueue, EventBus, SubscribeOptions, Subscription } from '../../ports';
import type { KinesisEventBus } from './KinesisEventBus';
import type { SnsSqsEventBus } from './SnsSqsEventBus';
import { SqsDeadLetterQueue } from './SqsDeadLetterQueue';

export interface KinesisSnsEventBusOptions {
  readonly core: KinesisEventBus;
  readonly noncritical: SnsSqsEventBus;
  readonly sqs: SQSClient;
  readonly coreDlqUrl: string;
  readonly knownDlqs: () => readonly string[];
}

export class KinesisSnsEventBus implements EventBus {
  readonly deadLetters: DeadLetterQueue;

  constructor(private readonly o: KinesisSnsEventBusOptions) {
    this.deadLetters = new SqsDeadLetterQueue({
      client: o.sqs,
      queues: () => [o.coreDlqUrl, ...o.knownDlqs()],
      redrive: (dl) => (dl.message.path === 'core' ? o.core.redriveOne(dl) : o.noncritical.redriveOne(dl)),
    });
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    const core = messages.filter((m) => m.path === 'core');
    const noncritical = messages.filter((m) => m.path !== 'core');
    await Promise.all([core.length ? this.o.core.publish(core) : undefined, noncritical.length ? this.o.noncritical.publish(noncritical) : undefined]);
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return options.path === 'core' ? this.o.core.subscribe(options) : this.o.noncritical.subscribe(options);
  }

  async close(): Promise<void> {
    await Promise.all([this.o.core.close(), this.o.noncritical.close()]);
  }
}

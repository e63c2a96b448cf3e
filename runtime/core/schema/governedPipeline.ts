/**
 * The governed EventPipeline: every new event is validated against its registered schema
 * version before the append (SchemaValidationError naming the event type and field path;
 * nothing is stored), unregistered types are rejected the same way, and every read is upcast
 * to the latest version of its type. `createRuntime` users plug it into the command path.
 */
import type { AppendContext, EventPipeline } from '../pipeline';
import type { NewEvent, StoredEvent } from '../../ports/events';
import type { SchemaRegistry } from '../../ports/SchemaRegistry';
import { SchemaValidationError, isSchemaNotFoundError } from '../../ports/SchemaRegistry';
import type { Type } from 'avsc';
import { jsonType } from './avro';
import type { UpcasterChain } from './upcasters';

export interface GovernedPipelineOptions {
  readonly registry: SchemaRegistry;
  readonly upcasters: UpcasterChain;
  /**
   * Store events with every defaulted field written out (Avro round trip through the event's
   * schema version), so that the latest shape read back is always complete; default true.
   */
  readonly fillDefaults?: boolean;
}

/** Validates one event; throws SchemaValidationError. */
export async function assertEventMatchesSchema(registry: SchemaRegistry, event: NewEvent): Promise<void> {
  let issues;
  try {
    issues = await registry.validate(event.type, event.schemaVersion, event.data);
  } catch (err) {
    if (!isSchemaNotFoundError(err)) throw err;
    const versions = await registry.versions(event.type).catch(() => [] as number[]);
    if (versions.length === 0) {
      throw new SchemaValidationError(event.type, undefined, [
        { path: 'type', message: `event type ${event.type} is not registered in the schema registry (subject ${event.type})` },
      ]);
    }
    throw new SchemaValidationError(event.type, event.schemaVersion, [
      { path: 'schemaVersion', message: `${event.type} has no schema version ${event.schemaVersion}; registered versions: ${versions.join(', ')}` },
    ]);
  }
  if (issues.length > 0) throw new SchemaValidationError(event.type, event.schemaVersion, issues);
}

export class GovernedPipeline implements EventPipeline {
  /** Parsed schema per type@version; registered versions are immutable, so this never goes stale. */
  private readonly types = new Map<string, Type>();

  constructor(private readonly options: GovernedPipelineOptions) {}

  async beforeAppend(events: readonly NewEvent[], _ctx: AppendContext): Promise<readonly NewEvent[]> {
    for (const event of events) await assertEventMatchesSchema(this.options.registry, event);
    if (this.options.fillDefaults === false) return events;
    return Promise.all(events.map(async (event) => ({ ...event, data: await this.withDefaults(event) })));
  }

  private async withDefaults(event: NewEvent): Promise<NewEvent['data']> {
    const key = `${event.type}@${event.schemaVersion}`;
    let type = this.types.get(key);
    if (!type) {
      type = jsonType((await this.options.registry.get(event.type, event.schemaVersion)).schema);
      this.types.set(key, type);
    }
    return JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(event.data)))) as NewEvent['data'];
  }

  afterRead(events: readonly StoredEvent[]): StoredEvent[] {
    return this.options.upcasters.upcastAll(events);
  }
}

export function createGovernedPipeline(options: GovernedPipelineOptions): EventPipeline {
  return new GovernedPipeline(options);
}

/**
 * The typed error of the runtime architecture guards: every violation names the rule it broke
 * (one of ARCHITECTURE_RULES) and what was attempted. A programming error, never retryable.
 */
import { NexusError, hasCode } from '../../ports/errors';

/** The runtime half of the policy engine: rules enforced in runtime/core (see docs/adr/0111). */
export const ARCHITECTURE_RULES = {
  /** Stored events are never updated or deleted; a store offers append and reads only. */
  eventsImmutable: 'events-are-immutable',
  /** A decider emits only the event types it declares (UndeclaredEventError in aggregate.ts). */
  declaredEventsOnly: 'aggregate-emits-declared-event-types-only',
  /** Projections and query handlers read the store; they never append. */
  readSideReadOnly: 'read-side-is-read-only',
  /** A saga changes aggregates only through the command API; it appends only its own SagaReacted history. */
  sagaCommandsOnly: 'saga-issues-commands-only',
  /** A tenant-scoped view addresses only streams qualified with its own tenant. */
  tenantIsolation: 'tenant-isolation',
} as const;

export type ArchitectureRule = (typeof ARCHITECTURE_RULES)[keyof typeof ARCHITECTURE_RULES];

export class ArchitectureViolationError extends NexusError {
  readonly code = 'ARCHITECTURE_VIOLATION' as const;
  constructor(readonly rule: ArchitectureRule, readonly detail: string) {
    super(`architecture rule ${rule} violated: ${detail}`);
  }
}

export const isArchitectureViolationError = (e: unknown): e is ArchitectureViolationError => hasCode(e, 'ARCHITECTURE_VIOLATION');

/** True for any error that carries one of the architecture rules (this class or UndeclaredEventError). */
export function violatedRule(e: unknown): ArchitectureRule | undefined {
  const rule = (e as { rule?: unknown } | null)?.rule;
  return (Object.values(ARCHITECTURE_RULES) as string[]).includes(rule as string) ? (rule as ArchitectureRule) : undefined;
}

/** The error every local store throws when used after close(): a programming error, not retryable. */
import { NexusError } from '../../ports';

export class ClosedStoreError extends NexusError {
  readonly code = 'STORE_CLOSED' as const;
  constructor(readonly store: string) {
    super(`${store} is closed: open a new one (close() was called before this call)`);
  }
}

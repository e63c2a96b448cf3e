/** InMemoryEventBus against the EventBus conformance suite (not durable by design: no restart case). */
import { eventBusContract } from '../contracts/eventBusContract';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';

eventBusContract('InMemoryEventBus', async () => ({ bus: new InMemoryEventBus(), cleanup: async () => undefined }), { maxMessageBytes: 256 * 1024 });

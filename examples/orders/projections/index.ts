/** The Orders read models that `npm start` runs and `nexus projections rebuild <name>` rebuilds. */
import type { ProjectionDefinition } from '../../../runtime/core/projections';
import { customerOrdersProjection } from './customerOrders';
import { orderSummaryProjection } from './orderSummary';

export { orderSummaryProjection, orderDocId } from './orderSummary';
export { customerOrdersProjection, customerDocId } from './customerOrders';

export const orderProjections: readonly ProjectionDefinition[] = [orderSummaryProjection, customerOrdersProjection];

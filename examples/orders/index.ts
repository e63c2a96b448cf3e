/** The Orders example domain: what `npm start` serves and the e2e tests drive. */
export * from './events';
export * from './commands';
export * from './state';
export { orderDecider, decideOrder, MAX_ORDER_LINES } from './decider';

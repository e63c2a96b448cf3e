/** The Orders sagas that `npm start` runs. */
export { fulfilmentSaga, type FulfilmentState, type FulfilmentOptions, type FulfilmentPhase } from './fulfilment';

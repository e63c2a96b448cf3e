/** Real-time notifications: stream channels here; projection channels come from ProjectionRunner. */
export * from './StreamNotifications';

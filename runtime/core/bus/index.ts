/** The read side composed on one runtime's ports. */
export * from './ReadSide';

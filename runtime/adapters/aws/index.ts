/** Adapter factories of the aws module, keyed by manifest kind (see ../types.ts). */
import type { AdapterFactories } from '../types';

export const factories: AdapterFactories = {};

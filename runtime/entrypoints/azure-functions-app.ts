/**
 * The Azure Function App's package.json "main": the Functions host runs this file to discover
 * its functions (Node.js programming model v4), so it registers the entry point's handlers with
 * @azure/functions' `app`. The only file that loads @azure/functions (the other clouds' bundles
 * never do); scripts/build-bundle.ts builds it into the Azure package only.
 */
import { app as functionsApp } from '@azure/functions';
import { handlers } from './azure-functions';
import { registerNexusFunctions } from './azureFunctionsRegistration';

export const registered = registerNexusFunctions(functionsApp, handlers, process.env);

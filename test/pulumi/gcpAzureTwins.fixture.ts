/**
 * Test program for the GCP and Azure specs: two NexusPlatforms in ONE stack (the stack's config,
 * different platform names) to prove child names — logical and physical — derive from the
 * component name, so two platforms never collide.
 */
import * as pulumi from '@pulumi/pulumi';
import { decodeConfig } from '../../components/config';
import { NexusPlatform } from '../../components/nexusPlatform';

const config = decodeConfig(pulumi.runtime.allConfig());
const alpha = new NexusPlatform('alpha', { config, stackName: 'nexus/twins' });
const beta = new NexusPlatform('beta', { config, stackName: 'nexus/twins' });
export const alphaManifest = alpha.manifest;
export const betaManifest = beta.manifest;

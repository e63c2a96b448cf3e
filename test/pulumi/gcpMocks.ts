/** Realistic computed state for the GCP resources the provider creates (ids, URIs, agents). */
import type { CloudMocks } from './gcpAzureHarness';

export const PROJECT_NUMBER = '123456789012';

export const gcpMocks: CloudMocks = {
  id(type, name, inputs) {
    const project = String(inputs.project ?? 'p');
    if (type === 'gcp:pubsub/topic:Topic') return `projects/${project}/topics/${inputs.name}`;
    if (type === 'gcp:pubsub/subscription:Subscription') return `projects/${project}/subscriptions/${inputs.name}`;
    if (type === 'gcp:kms/keyRing:KeyRing') return `projects/${project}/locations/${inputs.location}/keyRings/${inputs.name}`;
    if (type === 'gcp:kms/cryptoKey:CryptoKey') return `${inputs.keyRing}/cryptoKeys/${inputs.name}`;
    if (type === 'gcp:firestore/database:Database') return `projects/${project}/databases/${inputs.name}`;
    if (type === 'gcp:monitoring/dashboard:Dashboard') return `projects/${PROJECT_NUMBER}/dashboards/${name}`;
    return `${name}-id`;
  },
  state(type, _name, inputs) {
    if (type === 'gcp:projects/serviceIdentity:ServiceIdentity') {
      const svc = String(inputs.service).split('.')[0];
      const email = `service-${PROJECT_NUMBER}@gcp-sa-${svc}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}` };
    }
    if (type === 'gcp:cloudrunv2/service:Service') return { uri: `https://${inputs.name}-${PROJECT_NUMBER}.${inputs.location}.run.app` };
    if (type === 'gcp:serviceaccount/account:Account') {
      const email = `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}`, name: `projects/${inputs.project}/serviceAccounts/${email}` };
    }
    return {};
  },
  call(token, inputs) {
    if (token === 'gcp:organizations/getProject:getProject') return { projectId: inputs.projectId, number: PROJECT_NUMBER };
    return {};
  },
};

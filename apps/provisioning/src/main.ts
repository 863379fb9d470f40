import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { provisioningDomain } from '@app/provisioning';

await bootstrap({ name: 'provisioning', domains: [provisioningDomain] });

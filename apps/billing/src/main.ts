import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { billingDomain } from '@app/billing';

await bootstrap({ name: 'billing', domains: [billingDomain] });

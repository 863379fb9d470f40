import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { accountsDomain } from '@app/accounts';

await bootstrap({ name: 'accounts', domains: [accountsDomain] });

import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { ordersDomain } from '@app/orders';

await bootstrap({ name: 'orders', domains: [ordersDomain] });

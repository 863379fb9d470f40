import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { notificationsDomain } from '@app/notifications';

await bootstrap({ name: 'notifications', domains: [notificationsDomain] });

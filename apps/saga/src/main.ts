import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { sagaDomain } from '@app/saga';

await bootstrap({ name: 'saga', domains: [sagaDomain] });

import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { catalogDomain } from '@app/catalog';

await bootstrap({ name: 'catalog', domains: [catalogDomain] });

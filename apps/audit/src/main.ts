import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { auditDomain } from '@app/audit';

await bootstrap({ name: 'audit', domains: [auditDomain] });

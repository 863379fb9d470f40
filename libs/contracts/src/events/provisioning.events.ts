import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { code, count, hostname, oneOf, slug, struct, text, uuid } from './fields.js';

const PROVISIONING_STEPS = [
  'allocating',
  'creating_disk',
  'installing_image',
  'configuring_network',
  'booting',
] as const;

const target = {
  serviceId: uuid(
    'The service (VPS) being provisioned; allocated by the requester so retries are idempotent.',
  ),
  orderId: uuid('Order the service fulfils.'),
};
const targetExample = { serviceId: EXAMPLE.serviceId, orderId: EXAMPLE.orderId };

export const provisioningRequested = defineEvent({
  type: 'provisioning.requested',
  source: 'saga',
  subject: 'serviceId',
  description:
    'The order saga asks provisioning to create a VPS. Carries everything needed, so provisioning never calls back.',
  versions: [
    firstVersion({
      properties: {
        ...target,
        accountId: uuid('Owner of the new service.'),
        planId: uuid('Plan the VPS is sized from.'),
        region: slug('Region to create it in.'),
        image: slug('Operating system image to install.'),
        hostname: hostname('Hostname to configure.'),
        resources: struct(
          {
            vcpus: count('Virtual CPU cores.'),
            memoryMb: count('Memory in MiB.', 256),
            diskGb: count('Disk size in GiB.'),
          },
          'Resources copied from the plan when the order was placed.',
        ),
      },
      example: {
        ...targetExample,
        accountId: EXAMPLE.accountId,
        planId: EXAMPLE.planId,
        region: 'eu-central-1',
        image: 'ubuntu-24.04',
        hostname: 'web-01.example.com',
        resources: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
      },
    }),
  ],
});

export const provisioningStarted = defineEvent({
  type: 'provisioning.started',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'A hypervisor accepted the request and began building the VPS.',
  versions: [
    firstVersion({
      properties: {
        ...target,
        region: slug('Region the VPS is built in.'),
        node: slug('Hypervisor node that hosts it.'),
      },
      example: { ...targetExample, region: 'eu-central-1', node: 'hv-fra-017' },
    }),
  ],
});

export const provisioningProgress = defineEvent({
  type: 'provisioning.progress',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    'Build progress, for the storefront progress bar. Informational: nothing may depend on receiving it.',
  versions: [
    firstVersion({
      properties: {
        ...target,
        percent: Type.Integer({ minimum: 0, maximum: 100, description: 'Overall completion.' }),
        step: oneOf(PROVISIONING_STEPS, 'Step now running.'),
      },
      example: { ...targetExample, percent: 60, step: 'installing_image' },
    }),
  ],
});

export const provisioningCompleted = defineEvent({
  type: 'provisioning.completed',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    'The VPS is running and reachable. Credentials never travel in events: they sit in the secret store under credentialsSecretId.',
  versions: [
    firstVersion({
      properties: {
        ...target,
        hostname: hostname('Configured hostname.'),
        ipv4: Type.String({ format: 'ipv4', description: 'Primary public IPv4 address.' }),
        ipv6: Type.Union([Type.String({ format: 'ipv6' }), Type.Null()], {
          description: 'Primary public IPv6 address, or null if the region has none.',
        }),
        username: text('Login user created on the VPS.', 32),
        credentialsSecretId: uuid('Reference to the initial credentials in the secret store.'),
      },
      example: {
        ...targetExample,
        hostname: 'web-01.example.com',
        ipv4: '203.0.113.10',
        ipv6: '2001:db8::10',
        username: 'root',
        credentialsSecretId: EXAMPLE.credentialsSecretId,
      },
    }),
  ],
});

export const provisioningFailed = defineEvent({
  type: 'provisioning.failed',
  source: 'provisioning',
  subject: 'serviceId',
  description: 'The VPS could not be built. Partially allocated resources have already been freed.',
  versions: [
    firstVersion({
      properties: {
        ...target,
        step: oneOf(PROVISIONING_STEPS, 'Step that failed.'),
        reason: code('Failure code, e.g. no_capacity.'),
        message: text('Operator-facing detail.', 500),
        retryable: Type.Boolean({ description: 'Whether requesting again may succeed.' }),
      },
      example: {
        ...targetExample,
        step: 'allocating',
        reason: 'no_capacity',
        message: 'No hypervisor in eu-central-1 has 4096 MiB free.',
        retryable: false,
      },
    }),
  ],
});

export const provisioningReleased = defineEvent({
  type: 'provisioning.released',
  source: 'provisioning',
  subject: 'serviceId',
  description:
    "The VPS was destroyed and its addresses and disk freed (saga compensation or the service's termination).",
  versions: [
    firstVersion({
      properties: {
        ...target,
        reason: oneOf(['compensation', 'termination'], 'Why the resources were released.'),
      },
      example: { ...targetExample, reason: 'compensation' },
    }),
  ],
});

export const PROVISIONING_EVENTS = [
  provisioningRequested,
  provisioningStarted,
  provisioningProgress,
  provisioningCompleted,
  provisioningFailed,
  provisioningReleased,
] as const;

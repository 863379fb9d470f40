import { Type } from 'typebox';
import { defineEvent, firstVersion } from './event-definition.js';
import { EXAMPLE } from './example-ids.js';
import { billingCycle, count, currency, minorUnits, slug, struct, text, uuid } from './fields.js';

export const planPublished = defineEvent({
  type: 'catalog.plan.published',
  source: 'catalog',
  subject: 'planId',
  description: 'A VPS plan became orderable, or a new revision of it replaced the previous one.',
  versions: [
    firstVersion({
      properties: {
        planId: uuid('The plan.'),
        code: slug('Stable plan code shown to customers, e.g. vps-2c-4g.'),
        name: text('Display name.'),
        vcpus: count('Virtual CPU cores.'),
        memoryMb: count('Memory in MiB.', 256),
        diskGb: count('Disk size in GiB.'),
        regions: Type.Array(slug('Region code.'), {
          minItems: 1,
          uniqueItems: true,
          description: 'Regions the plan can be ordered in.',
        }),
        prices: Type.Array(
          struct(
            {
              billingCycle: billingCycle(),
              amountMinor: minorUnits('Price per cycle.'),
              currency: currency(),
            },
            'Price for one billing cycle in one currency.',
          ),
          { minItems: 1, description: 'Recurring prices; one per billing cycle and currency.' },
        ),
        images: Type.Optional(
          Type.Array(slug('OS image code.'), {
            uniqueItems: true,
            default: [],
            description:
              'OS images the plan can be ordered with (added in v1.1; empty means not restricted).',
          }),
        ),
      },
      example: {
        planId: EXAMPLE.planId,
        code: 'vps-2c-4g',
        name: 'VPS 2 vCPU / 4 GB',
        vcpus: 2,
        memoryMb: 4096,
        diskGb: 80,
        regions: ['eu-central-1', 'us-east-1'],
        images: ['ubuntu-24.04', 'debian-13'],
        prices: [
          { billingCycle: 'monthly', amountMinor: 1299, currency: 'EUR' },
          { billingCycle: 'yearly', amountMinor: 12990, currency: 'EUR' },
        ],
      },
    }),
  ],
});

export const planRetired = defineEvent({
  type: 'catalog.plan.retired',
  source: 'catalog',
  subject: 'planId',
  description: 'The plan can no longer be ordered. Existing services on it keep running.',
  versions: [
    firstVersion({
      properties: {
        planId: uuid('The retired plan.'),
        replacementPlanId: Type.Union([uuid('Plan to offer instead.'), Type.Null()], {
          description: 'Plan to offer instead, or null if there is none.',
        }),
      },
      example: { planId: EXAMPLE.planId, replacementPlanId: EXAMPLE.replacementPlanId },
    }),
  ],
});

export const PLAN_EVENTS = [planPublished, planRetired] as const;

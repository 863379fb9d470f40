import { type EventType, exampleEvent } from '@app/contracts';
import {
  type Decision,
  type SagaEnvironment,
  type SagaInput,
  storedInput,
} from '../order-saga.definition.js';

let ids = 0;

/** The decider's environment in the specs: a fixed clock, fixed limits, ids that count up across a run. */
export const sagaEnvironment = (): SagaEnvironment => ({
  now: new Date('2026-11-27T12:00:00Z'),
  newId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
  paymentWindowSeconds: 600,
  provisioningDeadlineSeconds: 300,
  maxProvisionAttempts: 3,
  maxDeclines: 3,
  storefrontUrl: 'https://www.example.com',
  plan: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
  account: { email: 'ops@example.com', name: 'Example' },
});

/** The catalog's example order, the one the specs' sagas start from. */
export const exampleOrder = exampleEvent('order.created');

/** What a decision publishes, by type. */
export const publishedTypes = (d: Decision): string[] => d.publish.map((p) => p.type);

/** A spec's event as the decider takes it: the catalog's example payload, changed where a case needs it. */
export function sagaInput(type: EventType, data: unknown): SagaInput {
  const input = storedInput(type, data);
  if (!input) {
    throw new Error(`the saga does not consume ${type}`);
  }
  return input;
}

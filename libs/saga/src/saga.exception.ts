import { problemsOf } from '@app/platform';

export enum SagaErrorCode {
  SagaNotFound = 'saga-not-found',
  NothingToRetry = 'saga-nothing-to-retry',
}

const STATUS: Record<SagaErrorCode, [number, string]> = {
  [SagaErrorCode.SagaNotFound]: [404, 'No saga for this order'],
  [SagaErrorCode.NothingToRetry]: [409, 'The saga waits for no compensation that could be requested again'],
};

export class SagaException extends problemsOf(STATUS) {}

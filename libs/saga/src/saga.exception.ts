import { problemsOf } from '@app/platform';

export enum SagaErrorCode {
  SagaNotFound = 'saga-not-found',
  NothingToRetry = 'saga-nothing-to-retry',
  SagaClosed = 'saga-closed',
  SagaCompleted = 'saga-completed',
  NoTimer = 'saga-no-timer',
  AlreadyCompensating = 'saga-already-compensating',
  WaitingForInvoice = 'saga-waiting-for-invoice',
}

const STATUS: Record<SagaErrorCode, [number, string]> = {
  [SagaErrorCode.SagaNotFound]: [404, 'No saga for this order'],
  [SagaErrorCode.NothingToRetry]: [409, 'The saga waits for nothing an operator could request again'],
  [SagaErrorCode.SagaClosed]: [409, 'The saga failed or was terminated; it allows no action'],
  [SagaErrorCode.SagaCompleted]: [409, 'The saga completed; it allows no action'],
  [SagaErrorCode.NoTimer]: [409, 'The saga has no timer to fire'],
  [SagaErrorCode.AlreadyCompensating]: [409, 'The saga is compensating already'],
  [SagaErrorCode.WaitingForInvoice]: [409, 'The saga waits for the invoice it is to void'],
};

export class SagaException extends problemsOf(STATUS) {}

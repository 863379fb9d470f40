import { problemsOf } from '@app/platform';

export enum AuditErrorCode {
  InvalidFilter = 'invalid-filter',
  EventNotFound = 'event-not-found',
  OrderNotLogged = 'order-not-logged',
  ReplayNotFound = 'replay-not-found',
  RecordNotFound = 'record-not-found',
  NotADeadLetter = 'not-a-dead-letter',
  AlreadyRedriven = 'already-redriven',
  RedriveRefused = 'redrive-refused',
  GroupNotFound = 'group-not-found',
  GroupActive = 'group-active',
  EventTypeNotFound = 'event-type-not-found',
}

const STATUS: Record<AuditErrorCode, [number, string]> = {
  [AuditErrorCode.InvalidFilter]: [400, 'The filter is not valid'],
  [AuditErrorCode.EventNotFound]: [404, 'No record of this event in the audit log'],
  [AuditErrorCode.OrderNotLogged]: [404, 'The audit log has no events of this order'],
  [AuditErrorCode.ReplayNotFound]: [404, 'No such replay'],
  [AuditErrorCode.RecordNotFound]: [404, 'No such record in the audit log'],
  [AuditErrorCode.NotADeadLetter]: [400, 'The record is not a dead letter'],
  [AuditErrorCode.AlreadyRedriven]: [409, 'The dead letter was already redriven'],
  [AuditErrorCode.RedriveRefused]: [409, 'The dead letter cannot be redriven'],
  [AuditErrorCode.GroupNotFound]: [404, 'No such consumer group'],
  [AuditErrorCode.GroupActive]: [409, 'The consumer group has members: its offsets cannot be moved'],
  [AuditErrorCode.EventTypeNotFound]: [404, 'No such event type in the catalog'],
};

export class AuditException extends problemsOf(STATUS) {}

import { problemsOf } from '@app/platform';

export enum ProvisioningErrorCode {
  ServiceNotFound = 'service-not-found',
  CredentialsNotAvailable = 'credentials-not-available',
  CredentialsAlreadyRetrieved = 'credentials-already-retrieved',
  NodeNotFound = 'hypervisor-node-not-found',
  NodeExists = 'hypervisor-node-exists',
  NodeHasReservations = 'hypervisor-node-has-reservations',
  NodeCapacityBelowUse = 'hypervisor-node-capacity-below-use',
  IpPoolNotFound = 'ip-pool-not-found',
  IpRangeInvalid = 'ip-range-invalid',
  IpRangeTooLarge = 'ip-range-too-large',
  IpRangeOverlaps = 'ip-range-overlaps',
  IpPoolInUse = 'ip-pool-in-use',
  ServiceActionNotFound = 'service-action-not-found',
  ServiceNotDelivered = 'service-not-delivered',
  ServiceSuspended = 'service-suspended',
  ServiceReleased = 'service-released',
  ServiceActionInProgress = 'service-action-in-progress',
  IdempotencyKeyReused = 'idempotency-key-reused',
  InvalidIdempotencyKey = 'invalid-idempotency-key',
}

const STATUS: Record<ProvisioningErrorCode, [number, string]> = {
  [ProvisioningErrorCode.ServiceNotFound]: [404, 'No such service'],
  [ProvisioningErrorCode.CredentialsNotAvailable]: [409, 'The service has no credentials to hand out'],
  [ProvisioningErrorCode.CredentialsAlreadyRetrieved]: [
    410,
    'The initial credentials were already retrieved and are gone',
  ],
  [ProvisioningErrorCode.NodeNotFound]: [404, 'No such hypervisor node'],
  [ProvisioningErrorCode.NodeExists]: [409, 'A hypervisor node with this id exists'],
  [ProvisioningErrorCode.NodeHasReservations]: [409, 'Machines are placed on the node: it cannot be deleted'],
  [ProvisioningErrorCode.NodeCapacityBelowUse]: [
    409,
    'The capacity would be less than what is reserved on the node',
  ],
  [ProvisioningErrorCode.IpPoolNotFound]: [404, 'No such IP pool'],
  [ProvisioningErrorCode.IpRangeInvalid]: [422, 'The address range cannot be used'],
  [ProvisioningErrorCode.IpRangeTooLarge]: [422, 'The address range is too large to add at once'],
  [ProvisioningErrorCode.IpRangeOverlaps]: [409, 'The address range overlaps a range already added'],
  [ProvisioningErrorCode.IpPoolInUse]: [409, 'Addresses of the pool are leased: it cannot be deleted'],
  [ProvisioningErrorCode.ServiceActionNotFound]: [404, 'No such action on this service'],
  [ProvisioningErrorCode.ServiceNotDelivered]: [409, 'The service is not delivered: it takes no actions'],
  [ProvisioningErrorCode.ServiceSuspended]: [
    409,
    'The service is suspended: it takes no actions until it is unsuspended',
  ],
  [ProvisioningErrorCode.ServiceReleased]: [409, 'The service was terminated: it takes no actions'],
  [ProvisioningErrorCode.ServiceActionInProgress]: [
    409,
    'Another action on the service is still running: try again once it has finished',
  ],
  [ProvisioningErrorCode.IdempotencyKeyReused]: [
    409,
    'The Idempotency-Key was already used with another request',
  ],
  [ProvisioningErrorCode.InvalidIdempotencyKey]: [
    400,
    'The Idempotency-Key header must be 1-255 visible characters',
  ],
};

export class ProvisioningException extends problemsOf(STATUS) {}

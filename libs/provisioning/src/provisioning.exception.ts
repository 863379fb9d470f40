import { problemsOf } from '@app/platform';

export enum ProvisioningErrorCode {
  ServiceNotFound = 'service-not-found',
  CredentialsNotAvailable = 'credentials-not-available',
  CredentialsAlreadyRetrieved = 'credentials-already-retrieved',
}

const STATUS: Record<ProvisioningErrorCode, [number, string]> = {
  [ProvisioningErrorCode.ServiceNotFound]: [404, 'No such service'],
  [ProvisioningErrorCode.CredentialsNotAvailable]: [409, 'The service has no credentials to hand out'],
  [ProvisioningErrorCode.CredentialsAlreadyRetrieved]: [
    410,
    'The initial credentials were already retrieved and are gone',
  ],
};

export class ProvisioningException extends problemsOf(STATUS) {}

import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { SecretSealer } from '@app/platform';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';
import { ServiceRepository } from './service.repository.js';

export interface Credentials {
  username: string;
  password: string;
}

export const ROOT_USERNAME = 'root';

// No look-alikes (0/O, 1/l/I), and only symbols a shell takes without quoting.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '-_.@%+';
const ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS;
const PASSWORD_LENGTH = 24;

/** About 143 bits from a CSPRNG, with every character class, as image password policies often insist. */
export function generatePassword(): string {
  for (;;) {
    const password = Array.from({ length: PASSWORD_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(
      '',
    );
    if ([UPPER, LOWER, DIGITS, SYMBOLS].every((set) => [...password].some((c) => set.includes(c)))) {
      return password;
    }
  }
}

/** Binds a sealed row to its own id and service: copied onto another service, it does not open. */
const sealContext = (secretId: string, serviceId: string): string => `${secretId}:${serviceId}`;

/**
 * The initial root credentials of a service: created and sealed when the build completes, handed to the customer
 * exactly once, then destroyed. The plaintext exists only in memory, on its way into the cipher or out to the
 * customer's HTTP response.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly services: ServiceRepository,
    private readonly sealer: SecretSealer,
  ) {}

  async issue(
    manager: EntityManager,
    service: ServiceRecord,
  ): Promise<{ secretId: string; username: string }> {
    const secretId = uuidv7();
    const credentials: Credentials = { username: ROOT_USERNAME, password: generatePassword() };
    const sealed = this.sealer.seal(JSON.stringify(credentials), sealContext(secretId, service.id));
    await this.services.insertSecret(manager, {
      id: secretId,
      tenantId: service.tenantId,
      serviceId: service.id,
      ...sealed,
      createdAt: new Date(),
    });
    return { secretId, username: credentials.username };
  }

  /** The secret is deleted in the same transaction that reads it, so two concurrent calls cannot both get it. */
  retrieveOnce(tenantId: string, serviceId: string): Promise<Credentials> {
    return this.services.inTransaction(async (manager) => {
      const service = await this.services.lockForTenant(manager, tenantId, serviceId);
      if (!service) {
        throw new ProvisioningException(ProvisioningErrorCode.ServiceNotFound);
      }
      if (service.credentialsRetrievedAt) {
        throw new ProvisioningException(
          ProvisioningErrorCode.CredentialsAlreadyRetrieved,
          `retrieved at ${service.credentialsRetrievedAt.toISOString()}`,
        );
      }
      const secret = service.credentialsSecretId
        ? await this.services.findSecret(manager, service.credentialsSecretId)
        : null;
      if (!secret) {
        throw new ProvisioningException(
          ProvisioningErrorCode.CredentialsNotAvailable,
          `the service is ${service.state}`,
        );
      }
      const credentials = JSON.parse(
        this.sealer.open(secret, sealContext(secret.id, service.id)),
      ) as Credentials;
      await this.services.deleteSecrets(manager, service.id);
      service.credentialsRetrievedAt = new Date();
      await this.services.saveService(manager, service);
      return credentials;
    });
  }

  /** A released machine's credentials open nothing any more; they are not kept. */
  async destroy(manager: EntityManager, serviceId: string): Promise<void> {
    await this.services.deleteSecrets(manager, serviceId);
  }
}

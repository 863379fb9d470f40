import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { SecretSealer } from '@app/platform';
import type { SealedSecret } from './entities/sealed-secret.entity.js';
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
    const { secretId, credentials } = await this.seal(manager, service);
    return { secretId, username: credentials.username };
  }

  /**
   * The root password the build writes into the machine's first-boot seed: the service's sealed one, or a new one
   * sealed now and recorded on the service (written by the caller's commit, so a rolled-back step leaves none).
   */
  async buildPassword(manager: EntityManager, service: ServiceRecord): Promise<string> {
    if (service.credentialsSecretId && !service.credentialsRetrievedAt) {
      const secret = await this.services.findSecret(manager, service.credentialsSecretId);
      if (secret) {
        return this.open(secret, service.id).password;
      }
    }
    const { secretId, credentials } = await this.seal(manager, service);
    Object.assign(service, {
      credentialsSecretId: secretId,
      username: credentials.username,
      credentialsRetrievedAt: null,
    } satisfies Partial<ServiceRecord>);
    return credentials.password;
  }

  /** New one-time credentials for a reinstall: the old ones open nothing any more. */
  async renew(manager: EntityManager, service: ServiceRecord): Promise<string> {
    await this.services.deleteSecrets(manager, service.id);
    service.credentialsSecretId = null;
    return this.buildPassword(manager, service);
  }

  /** The plaintext password of a sealed secret, for a driver call that writes it into the machine. */
  async reveal(manager: EntityManager, secretId: string, serviceId: string): Promise<string> {
    const secret = await this.services.findSecret(manager, secretId);
    if (secret?.serviceId !== serviceId) {
      throw new Error(`no sealed credentials ${secretId} for service ${serviceId}`);
    }
    return this.open(secret, serviceId).password;
  }

  private async seal(
    manager: EntityManager,
    service: ServiceRecord,
  ): Promise<{ secretId: string; credentials: Credentials }> {
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
    return { secretId, credentials };
  }

  private open(secret: SealedSecret, serviceId: string): Credentials {
    return JSON.parse(this.sealer.open(secret, sealContext(secret.id, serviceId))) as Credentials;
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
      // A build writes the password into the machine before it is delivered: not the customer's until then.
      const delivered = service.state === 'active' || service.state === 'suspended';
      const secret =
        delivered && service.credentialsSecretId
          ? await this.services.findSecret(manager, service.credentialsSecretId)
          : null;
      if (!secret) {
        throw new ProvisioningException(
          ProvisioningErrorCode.CredentialsNotAvailable,
          `the service is ${service.state}`,
        );
      }
      const credentials = this.open(secret, service.id);
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

import { Inject, Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { PermanentEventError, type Tx } from '@app/messaging';
import { AppConfig } from '@app/platform';
import { CredentialsService } from './credentials.service.js';
import {
  type BuildSecrets,
  type Machine,
  PROVISIONING_DRIVER,
  type ProvisioningDriver,
} from './driver/provisioning.driver.js';
import type { ServiceActionRecord } from './entities/service-action.entity.js';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { machineOf } from './machine.js';
import { type ActionRefusal, REFUSAL_MESSAGES, refusalOf } from './service-action.state.js';
import { ServiceActionRepository } from './service-action.repository.js';
import { ServiceRepository } from './service.repository.js';

type Requested = EventData<'service.action_requested'>;

/**
 * Runs a customer's action on the machine, serialized with everything else about the service (build, release,
 * billing's commands), and answers it with service.action_completed or .action_failed in the same transaction. The
 * state is checked again here: the service may have been suspended or released since the request. A driver that
 * throws (a temporary problem) makes the event be retried; the action stays requested meanwhile.
 */
@Injectable()
export class ServiceActionRunnerService {
  constructor(
    private readonly services: ServiceRepository,
    private readonly actions: ServiceActionRepository,
    private readonly credentials: CredentialsService,
    @Inject(PROVISIONING_DRIVER) private readonly driver: ProvisioningDriver,
    private readonly config: AppConfig,
  ) {}

  async run(tx: Tx, tenantId: string, data: Requested): Promise<void> {
    if (data.accountId !== tenantId) {
      throw new PermanentEventError(`accountId ${data.accountId} is not the event's tenant ${tenantId}`);
    }
    const { manager } = tx;
    await this.services.serialize(manager, data.serviceId);
    const service = await this.services.lock(manager, data.serviceId);
    const action = await this.actions.lock(manager, tenantId, data.actionId);
    if (!service || service.tenantId !== tenantId || action?.serviceId !== service.id) {
      throw new PermanentEventError(`no action ${data.actionId} on service ${data.serviceId} of ${tenantId}`);
    }
    if (action.status !== 'requested') {
      return;
    }
    const refusal = refusalOf(service.state);
    if (refusal) {
      return this.fail(tx, data, action, refusal);
    }
    const machine = machineOf(service);
    if (!machine) {
      // An active service was placed by its build; without a node there is nothing to act on.
      return this.fail(tx, data, action, 'service_not_delivered');
    }
    let credentialsSecretId: string | null = null;
    if (data.action === 'reinstall') {
      credentialsSecretId = await this.reinstall(tx, service, machine);
    } else {
      await this.driver.power(machine, data.action);
    }
    await this.actions.finish(manager, action, { status: 'completed', reason: null, message: null });
    await tx.publish(
      'service.action_completed',
      { ...data, credentialsSecretId },
      { tenantId, subject: service.id },
    );
  }

  /**
   * Rebuilds the machine with new one-time credentials in place of the old ones (retrieved or not): the new
   * password is sealed before the driver reads it, and the customer can reveal it once, as after the build.
   */
  private async reinstall(tx: Tx, service: ServiceRecord, machine: Machine): Promise<string> {
    const { manager } = tx;
    await this.services.deleteSecrets(manager, service.id);
    const { secretId, username } = await this.credentials.issue(manager, service);
    const secrets: BuildSecrets = {
      rootPassword: () => this.credentials.reveal(manager, secretId, service.id),
      sshKeys: [],
    };
    await this.driver.reinstall(machine, secrets);
    Object.assign(service, {
      username,
      credentialsSecretId: secretId,
      credentialsRetrievedAt: null,
    } satisfies Partial<ServiceRecord>);
    if (this.driver.firstBootSeed) {
      // The new seed holds the new password's hash: the seed sweeper removes it once the guest has booted.
      service.seedRemoveAfter = new Date(Date.now() + this.config.PROVISIONING_SEED_TTL_SECONDS * 1_000);
    }
    await this.services.saveService(manager, service);
    return secretId;
  }

  private async fail(
    tx: Tx,
    data: Requested,
    action: ServiceActionRecord,
    reason: ActionRefusal,
  ): Promise<void> {
    const message = REFUSAL_MESSAGES[reason];
    await this.actions.finish(tx.manager, action, { status: 'failed', reason, message });
    await tx.publish(
      'service.action_failed',
      { ...data, reason, message },
      { tenantId: data.accountId, subject: data.serviceId },
    );
  }
}

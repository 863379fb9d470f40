import { Inject, Injectable } from '@nestjs/common';
import type { EventData } from '@app/contracts';
import { PermanentEventError, type Tx } from '@app/messaging';
import { CredentialsService } from './credentials.service.js';
import {
  PLACEMENT,
  type Placement,
  PROVISIONING_DRIVER,
  type ProvisioningDriver,
} from './driver/provisioning.driver.js';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { machineOf } from './machine.js';
import { ServiceRepository } from './service.repository.js';

/**
 * Frees a service's machine on the saga's request. Released once: a repeated request publishes nothing. A service
 * provisioning never built is still answered with provisioning.released (so the saga can go on) and remembered, so
 * that its late provisioning.requested builds nothing.
 */
@Injectable()
export class ReleaseService {
  constructor(
    private readonly services: ServiceRepository,
    private readonly credentials: CredentialsService,
    @Inject(PROVISIONING_DRIVER) private readonly driver: ProvisioningDriver,
    @Inject(PLACEMENT) private readonly placement: Placement,
  ) {}

  /** True when this call released the service; false when it was released before (nothing is published then). */
  async release(
    tx: Tx,
    tenantId: string,
    data: EventData<'provisioning.release_requested'>,
  ): Promise<boolean> {
    const { manager } = tx;
    await this.services.serialize(manager, data.serviceId);
    // Waits for a build step in flight (it holds the row), so the step's commit cannot undo the release.
    const service = await this.services.lock(manager, data.serviceId);
    if (service && service.tenantId !== tenantId) {
      throw new PermanentEventError(`service ${data.serviceId} does not belong to tenant ${tenantId}`);
    }
    const now = new Date();
    const first = await this.services.recordRelease(manager, {
      serviceId: data.serviceId,
      tenantId,
      orderId: service?.orderId ?? data.orderId,
      reason: data.reason,
      releasedAt: now,
    });
    if (!first) {
      return false;
    }
    if (service) {
      await this.services.cancelRunningJobs(manager, service.id);
      const machine = machineOf(service);
      if (machine && data.reason === 'termination') {
        await this.driver.terminate(machine);
      } else if (machine) {
        await this.driver.release(machine);
      }
      await this.placement.free(manager, service.id);
      await this.credentials.destroy(manager, service.id);
      // The addresses go back to the pool and may soon be someone else's: the customer no longer sees them.
      Object.assign(service, {
        state: 'released',
        step: null,
        ipv4: null,
        ipv6: null,
        network: null,
        seedRemoveAfter: null,
        releaseReason: data.reason,
        releasedAt: now,
      } satisfies Partial<ServiceRecord>);
      await this.services.saveService(manager, service);
    }
    await tx.publish(
      'provisioning.released',
      { serviceId: data.serviceId, orderId: service?.orderId ?? data.orderId, reason: data.reason },
      { tenantId, subject: data.serviceId },
    );
    return true;
  }
}

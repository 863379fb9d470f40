import { Inject, Injectable, Logger } from '@nestjs/common';
import { DuePoller } from '@app/platform';
import { PROVISIONING_DRIVER, type ProvisioningDriver } from './driver/provisioning.driver.js';
import { placedMachineOf } from './machine.js';
import { ServiceRepository } from './service.repository.js';

const POLL_MS = 5_000;
/** A node that could not be reached is asked again after this, so it does not hold up other nodes' seeds. */
const RETRY_MS = 60_000;

/**
 * Deletes the first-boot seed of delivered machines once PROVISIONING_SEED_TTL_SECONDS have passed since they
 * booted: the guest has read it, and it holds the root password's hash. Idle for a driver without seeds.
 */
@Injectable()
export class SeedSweeperService extends DuePoller {
  private readonly log = new Logger(SeedSweeperService.name);

  constructor(
    private readonly services: ServiceRepository,
    @Inject(PROVISIONING_DRIVER) private readonly driver: ProvisioningDriver,
  ) {
    super({ work: 'first-boot seed removal', intervalMs: POLL_MS });
  }

  override onApplicationBootstrap(): void {
    if (this.driver.firstBootSeed) {
      super.onApplicationBootstrap();
    }
  }

  /** Removes the most overdue seed; false when none is due. */
  protected runDue(): Promise<boolean> {
    return this.services.inTransaction(async (manager) => {
      const service = await this.services.claimDueSeed(manager);
      if (!service) {
        return false;
      }
      try {
        await this.driver.removeSeed(placedMachineOf(service));
        service.seedRemoveAfter = null;
      } catch (error) {
        this.log.warn(`seed of service ${service.id} not removed, again later: ${(error as Error).message}`);
        service.seedRemoveAfter = new Date(Date.now() + RETRY_MS);
      }
      await this.services.saveService(manager, service);
      return true;
    });
  }
}

import { Injectable } from '@nestjs/common';
import type {
  MachineNetwork,
  MachineSpec,
  Placement,
  PlacementTx,
  Reservation,
} from './driver/provisioning.driver.js';
import { PlacementRepository } from './placement.repository.js';

/**
 * Placement on the hypervisor nodes of the database: room on a node and one address of each family the region has,
 * all in the caller's transaction. Whatever the outcome, the caller's transaction is left consistent: a reservation
 * that cannot be completed (room but no address, say) is rolled back to a savepoint before null is returned.
 */
@Injectable()
export class NodePlacementService implements Placement {
  constructor(private readonly repository: PlacementRepository) {}

  async reserve(tx: PlacementTx, _tenantId: string, spec: MachineSpec): Promise<Reservation | null> {
    await this.repository.serializeService(tx, spec.serviceId);
    const held = await this.held(tx, spec.serviceId);
    if (held) {
      return held;
    }
    const ipv4Pools = await this.repository.poolIds(tx, spec.region, 4);
    const ipv6Pools = await this.repository.poolIds(tx, spec.region, 6);
    // A region out of addresses is refused before any node row is locked (the savepoint below covers the races).
    const addressesLeft =
      (await this.repository.anyFree(tx, ipv4Pools)) &&
      (ipv6Pools.length === 0 || (await this.repository.anyFree(tx, ipv6Pools)));
    if (!addressesLeft) {
      return null;
    }
    return this.repository.withinSavepoint(tx, async () => {
      const node = await this.takeRoom(tx, spec);
      if (!node) {
        return null;
      }
      await this.repository.insertReservation(tx, {
        serviceId: spec.serviceId,
        nodeId: node,
        ...spec.resources,
      });
      const ipv4 = await this.repository.lease(tx, ipv4Pools, spec.serviceId);
      // A region with IPv6 promises it to every machine: an exhausted IPv6 pool is no capacity, like IPv4.
      const ipv6 = ipv6Pools.length > 0 ? await this.repository.lease(tx, ipv6Pools, spec.serviceId) : null;
      if (!ipv4 || (ipv6Pools.length > 0 && !ipv6)) {
        return null;
      }
      return { node, network: { ipv4, ipv6 } };
    });
  }

  async free(tx: PlacementTx, serviceId: string): Promise<void> {
    await this.repository.serializeService(tx, serviceId);
    await this.repository.freeRoom(tx, serviceId);
    await this.repository.releaseAddresses(tx, serviceId);
  }

  async resize(tx: PlacementTx, serviceId: string, resources: MachineSpec['resources']): Promise<boolean> {
    await this.repository.serializeService(tx, serviceId);
    return this.repository.resizeRoom(tx, serviceId, resources);
  }

  /** What the service already holds: a repeated reserve (a redelivered request, a retried step) gets it back. */
  private async held(tx: PlacementTx, serviceId: string): Promise<Reservation | null> {
    const reservation = await this.repository.findReservation(tx, serviceId);
    if (!reservation) {
      return null;
    }
    const leases = await this.repository.leasesOf(tx, serviceId);
    const ipv4 = leases.get(4);
    if (!ipv4) {
      throw new Error(`service ${serviceId} holds room on ${reservation.nodeId} but no IPv4 address`);
    }
    const network: MachineNetwork = { ipv4, ipv6: leases.get(6) ?? null };
    return { node: reservation.nodeId, network };
  }

  /**
   * First a node no other placement holds right now, so concurrent builds spread over the region's nodes instead of
   * queueing on one row; then, waiting where needed, every node that had room, until one still has.
   */
  private async takeRoom(tx: PlacementTx, spec: MachineSpec): Promise<string | null> {
    const { region, image, resources } = spec;
    const free = await this.repository.takeRoomOnFreeNode(tx, region, image, resources);
    if (free) {
      return free;
    }
    for (const node of await this.repository.candidates(tx, region, image, resources)) {
      if (await this.repository.takeRoomOn(tx, node, region, image, resources)) {
        return node;
      }
    }
    return null;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { CreateHypervisorNodeDto } from './dto/create-hypervisor-node.dto.js';
import type { RegionFilterQuery } from './dto/region-filter.query.js';
import type { UpdateHypervisorNodeDto } from './dto/update-hypervisor-node.dto.js';
import type { HypervisorNode } from './entities/hypervisor-node.entity.js';
import { schedulableVcpus, toNodeView, type HypervisorNodeView } from './hypervisor-node.view.js';
import { PlacementRepository } from './placement.repository.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';

/** The administrator's use cases on hypervisor nodes; every change is logged with who made it. */
@Injectable()
export class HypervisorNodesService {
  private readonly logger = new Logger(HypervisorNodesService.name);

  constructor(private readonly repository: PlacementRepository) {}

  async list(query: RegionFilterQuery): Promise<HypervisorNodeView[]> {
    const nodes = await this.repository.listNodes(query.region);
    const reservations = await this.repository.reservationCounts(nodes.map((n) => n.id));
    return nodes.map((node) => toNodeView(node, reservations.get(node.id) ?? 0));
  }

  async get(id: string): Promise<HypervisorNodeView> {
    const node = await this.repository.findNode(id);
    if (!node) {
      throw new ProvisioningException(ProvisioningErrorCode.NodeNotFound);
    }
    const reservations = await this.repository.reservationCounts([id]);
    return toNodeView(node, reservations.get(id) ?? 0);
  }

  async create(dto: CreateHypervisorNodeDto, actor: string): Promise<HypervisorNodeView> {
    if (!(await this.createIfMissing(dto, actor))) {
      throw new ProvisioningException(ProvisioningErrorCode.NodeExists, `node ${dto.id} exists`);
    }
    return this.get(dto.id);
  }

  /** False (and nothing changed) when a node with this id exists, whatever its configuration. */
  async createIfMissing(dto: CreateHypervisorNodeDto, actor: string): Promise<boolean> {
    const now = new Date();
    const node: HypervisorNode = {
      id: dto.id,
      region: dto.region,
      uri: dto.uri,
      vcpus: dto.vcpus,
      memoryMb: dto.memoryMb,
      diskGb: dto.diskGb,
      cpuOvercommit: dto.cpuOvercommit ?? 1,
      storagePool: dto.storagePool,
      bridge: dto.bridge ?? null,
      images: dto.images,
      enabled: dto.enabled ?? true,
      usedVcpus: 0,
      usedMemoryMb: 0,
      usedDiskGb: 0,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.repository.inTransaction((m) => this.repository.insertNode(m, node));
    if (inserted) {
      this.logger.log(`hypervisor node ${node.id} (${node.region}, ${node.uri}) created by ${actor}`);
    }
    return inserted;
  }

  /** Capacity may shrink only down to what is reserved; the node's row is locked so no placement slips in between. */
  async update(id: string, dto: UpdateHypervisorNodeDto, actor: string): Promise<HypervisorNodeView> {
    const changes = Object.fromEntries(
      Object.entries(dto).filter(([, value]) => value !== undefined),
    ) as UpdateHypervisorNodeDto;
    await this.repository.inTransaction(async (m) => {
      const node = await this.repository.lockNode(m, id);
      if (!node) {
        throw new ProvisioningException(ProvisioningErrorCode.NodeNotFound);
      }
      const next = { ...node, ...changes };
      const short = [
        schedulableVcpus(next.vcpus, next.cpuOvercommit) < node.usedVcpus && `${node.usedVcpus} vCPUs`,
        next.memoryMb < node.usedMemoryMb && `${node.usedMemoryMb} MB of memory`,
        next.diskGb < node.usedDiskGb && `${node.usedDiskGb} GB of disk`,
      ].filter((s): s is string => typeof s === 'string');
      if (short.length > 0) {
        throw new ProvisioningException(
          ProvisioningErrorCode.NodeCapacityBelowUse,
          `node ${id} has ${short.join(', ')} reserved`,
        );
      }
      await this.repository.updateNode(m, id, changes);
    });
    this.logger.log(`hypervisor node ${id} updated by ${actor}: ${JSON.stringify(changes)}`);
    return this.get(id);
  }

  async remove(id: string, actor: string): Promise<void> {
    await this.repository.inTransaction(async (m) => {
      if (!(await this.repository.lockNode(m, id))) {
        throw new ProvisioningException(ProvisioningErrorCode.NodeNotFound);
      }
      const reservations = await this.repository.countReservations(m, id);
      if (reservations > 0) {
        throw new ProvisioningException(
          ProvisioningErrorCode.NodeHasReservations,
          `node ${id} holds ${reservations} reservation(s); disable it and move or release its machines first`,
        );
      }
      await this.repository.deleteNode(m, id);
    });
    this.logger.log(`hypervisor node ${id} deleted by ${actor}`);
  }
}

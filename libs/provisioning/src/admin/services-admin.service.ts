import { Injectable } from '@nestjs/common';
import type { ListAdminServicesQuery } from '../dto/list-admin-services.query.js';
import type { ServiceRecord } from '../entities/service-record.entity.js';
import { ProvisioningErrorCode, ProvisioningException } from '../provisioning.exception.js';
import { ServiceRepository } from '../service.repository.js';
import { ADMIN_SERVICES_PAGE, type AdminServicePage, type AdminServiceView } from './services-admin.view.js';

/** The back office's reads: every service across tenants. */
@Injectable()
export class ServicesAdminService {
  constructor(private readonly services: ServiceRepository) {}

  async list(query: ListAdminServicesQuery): Promise<AdminServicePage> {
    const limit = query.limit ?? ADMIN_SERVICES_PAGE.defaultLimit;
    const rows = await this.services.listAcrossTenants({
      ...(query.status ? { state: query.status } : {}),
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.orderId ? { orderId: query.orderId } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toAdminView),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(id: string): Promise<AdminServiceView> {
    const service = await this.services.find(id);
    if (!service) {
      throw new ProvisioningException(ProvisioningErrorCode.ServiceNotFound);
    }
    return toAdminView(service);
  }
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toAdminView(service: ServiceRecord): AdminServiceView {
  return {
    id: service.id,
    tenantId: service.tenantId,
    accountId: service.tenantId,
    orderId: service.orderId,
    planId: service.planId,
    status: service.state,
    hostname: service.hostname,
    region: service.region,
    image: service.image,
    resources: { vcpus: service.vcpus, memoryMb: service.memoryMb, diskGb: service.diskGb },
    node: service.node,
    addresses: { ipv4: service.ipv4, ipv6: service.ipv6 },
    releaseReason: service.releaseReason,
    createdAt: service.createdAt.toISOString(),
    updatedAt: service.updatedAt.toISOString(),
    provisionedAt: iso(service.provisionedAt),
    releasedAt: iso(service.releasedAt),
  };
}

import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/platform';
import { type Credentials, CredentialsService } from './credentials.service.js';
import type { ListServicesQuery } from './dto/list-services.query.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';
import { ServiceRepository } from './service.repository.js';
import { toView, type ServiceView } from './service.view.js';

/** The customer's side of provisioning: their services, and their initial credentials, once. */
@Injectable()
export class ServicesService {
  constructor(
    private readonly services: ServiceRepository,
    private readonly credentials: CredentialsService,
  ) {}

  async list(
    principal: Principal,
    query: ListServicesQuery,
  ): Promise<{ items: ServiceView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const rows = await this.services.list(principal.tenantId, limit + 1, query.status, query.cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(principal: Principal, id: string): Promise<ServiceView> {
    const service = await this.services.findForTenant(principal.tenantId, id);
    if (!service) {
      throw new ProvisioningException(ProvisioningErrorCode.ServiceNotFound);
    }
    return toView(service);
  }

  retrieveCredentials(principal: Principal, id: string): Promise<Credentials> {
    return this.credentials.retrieveOnce(principal.tenantId, id);
  }
}

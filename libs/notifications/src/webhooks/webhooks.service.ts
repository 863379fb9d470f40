import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig, type PageQuery, type Principal } from '@app/platform';
import { NotificationsErrorCode, NotificationsException } from '../notifications.exception.js';
import type { CreateWebhookDto } from './dto/create-webhook.dto.js';
import type { ListWebhooksQuery } from './dto/list-webhooks.query.js';
import type { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';
import { eventFilterRefusal } from './webhook-events.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookSecretsService } from './webhook-secrets.service.js';
import { webhookUrlRefusal } from './webhook-url.js';
import {
  type Page,
  type WebhookDeliveryView,
  type WebhookView,
  type WebhookWithSecret,
  pageOf,
  toDeliveryView,
  toWebhookView,
} from './webhook.view.js';

const DEFAULT_PAGE = 20;

/** What a tenant does with its webhook endpoints. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: WebhookSecretsService,
    private readonly config: AppConfig,
  ) {}

  async register(principal: Principal, dto: CreateWebhookDto): Promise<WebhookWithSecret> {
    const urlRefusal = webhookUrlRefusal(dto.url, this.config.WEBHOOK_ALLOW_INSECURE_URLS);
    if (urlRefusal) {
      throw new NotificationsException(NotificationsErrorCode.WebhookUrlNotAllowed, urlRefusal);
    }
    const eventsRefusal = eventFilterRefusal(dto.events);
    if (eventsRefusal) {
      throw new NotificationsException(NotificationsErrorCode.WebhookEventsInvalid, eventsRefusal);
    }
    const id = uuidv7();
    const secret = this.secrets.generate();
    const now = new Date();
    const endpoint: WebhookEndpoint = {
      id,
      tenantId: principal.tenantId,
      url: dto.url,
      description: dto.description ?? null,
      events: dto.events,
      status: 'active',
      ...this.secrets.seal(id, secret),
      secretRotatedAt: now,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    };
    await this.webhooks.inTransaction(async (manager) => {
      await this.webhooks.lockTenant(manager, principal.tenantId);
      const max = this.config.WEBHOOK_MAX_ENDPOINTS_PER_TENANT;
      if ((await this.webhooks.countEndpoints(manager, principal.tenantId)) >= max) {
        throw new NotificationsException(
          NotificationsErrorCode.WebhookLimitReached,
          `at most ${max} webhooks per account; delete one first`,
        );
      }
      await this.webhooks.insertEndpoint(manager, endpoint);
    });
    this.logger.log(`webhook ${id} registered for tenant ${principal.tenantId}`);
    return { ...toWebhookView(endpoint), secret };
  }

  async list(principal: Principal, query: ListWebhooksQuery): Promise<Page<WebhookView>> {
    const tenantId = query.tenantId ?? principal.tenantId;
    if (tenantId !== principal.tenantId && principal.role !== 'admin') {
      throw new NotificationsException(NotificationsErrorCode.TenantNotAllowed);
    }
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.webhooks.listEndpoints(tenantId, limit + 1, query.cursor);
    return pageOf(rows, limit, toWebhookView);
  }

  async get(principal: Principal, id: string): Promise<WebhookView> {
    return toWebhookView(await this.endpointOf(principal, id));
  }

  /** The endpoint stops at once: its queued deliveries fail and later events are not queued for it. */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.webhooks.inTransaction(async (manager) => {
      const endpoint = await this.webhooks.lockEndpoint(manager, principal.tenantId, id);
      if (!endpoint) {
        throw new NotificationsException(NotificationsErrorCode.WebhookNotFound);
      }
      await this.webhooks.updateEndpoint(manager, id, {
        status: 'deleted',
        disabledAt: endpoint.disabledAt ?? new Date(),
      });
      await this.webhooks.failPendingDeliveries(manager, id, 'the endpoint was deleted');
    });
    this.logger.log(`webhook ${id} deleted by tenant ${principal.tenantId}`);
  }

  /** Deliveries from now on, retries included, are signed with the new secret only. */
  async rotateSecret(principal: Principal, id: string): Promise<WebhookWithSecret> {
    const secret = this.secrets.generate();
    const endpoint = await this.webhooks.inTransaction(async (manager) => {
      const locked = await this.webhooks.lockEndpoint(manager, principal.tenantId, id);
      if (!locked) {
        throw new NotificationsException(NotificationsErrorCode.WebhookNotFound);
      }
      Object.assign(locked, { ...this.secrets.seal(id, secret), secretRotatedAt: new Date() });
      await this.webhooks.updateEndpoint(manager, id, {
        secretIv: locked.secretIv,
        secretTag: locked.secretTag,
        secretCiphertext: locked.secretCiphertext,
        secretRotatedAt: locked.secretRotatedAt,
      });
      return locked;
    });
    this.logger.log(`webhook ${id}: signing secret rotated by tenant ${principal.tenantId}`);
    return { ...toWebhookView(endpoint), secret };
  }

  async deliveries(principal: Principal, id: string, query: PageQuery): Promise<Page<WebhookDeliveryView>> {
    await this.endpointOf(principal, id);
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.webhooks.listDeliveries(principal.tenantId, id, limit + 1, query.cursor);
    const page = rows.slice(0, limit);
    const attempts = await this.webhooks.attemptsOf(page.map((d) => d.id));
    return pageOf(rows, limit, (delivery) =>
      toDeliveryView(
        delivery,
        attempts.filter((a) => a.deliveryId === delivery.id),
      ),
    );
  }

  private async endpointOf(principal: Principal, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.webhooks.findEndpoint(principal.tenantId, id);
    if (!endpoint) {
      throw new NotificationsException(NotificationsErrorCode.WebhookNotFound);
    }
    return endpoint;
  }
}

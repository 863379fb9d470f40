import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import type { WebhookDelivery } from './entities/webhook-delivery.entity.js';
import { type DeliveryPolicy, attemptError, nextStep } from './webhook-delivery.state.js';
import { signedRequest } from './webhook-request.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookSecretsService } from './webhook-secrets.service.js';
import { DeliveryInterrupted, type SendResult, WebhookSender } from './webhook.sender.js';

/** How long past the timeout a claimed delivery stays with its process before another may try it. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends due webhook deliveries: claim one (a lease, committed at once, so no transaction stays open while a
 * customer's endpoint takes its time), POST it signed, then record the attempt and its outcome in one transaction.
 * A process that dies in between leaves the delivery to be sent again after the lease: delivery is at least once,
 * and receivers deduplicate on Platforma-Event-Id.
 */
@Injectable()
export class WebhookDeliveryRunnerService {
  private readonly logger = new Logger(WebhookDeliveryRunnerService.name);
  private readonly shutdown = new AbortController();
  private readonly policy: DeliveryPolicy;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: WebhookSecretsService,
    private readonly sender: WebhookSender,
    private readonly config: AppConfig,
  ) {
    this.policy = {
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      backoff: { initialMs: config.WEBHOOK_INITIAL_BACKOFF_MS, maxMs: config.WEBHOOK_MAX_BACKOFF_MS },
    };
  }

  /** Cuts the POSTs in flight short; their deliveries are retried by whichever process runs next. */
  interrupt(): void {
    this.shutdown.abort();
  }

  /** Sends the most overdue delivery; false when none is due. */
  async runDue(): Promise<boolean> {
    if (this.shutdown.signal.aborted) {
      return false;
    }
    const timeoutMs = this.config.WEBHOOK_TIMEOUT_MS;
    const delivery = await this.webhooks.claimDue(timeoutMs + LEASE_MARGIN_MS);
    if (!delivery) {
      return false;
    }
    const endpoint = await this.webhooks.endpointById(delivery.endpointId);
    if (endpoint?.status !== 'active') {
      // Queued while the endpoint was being deleted or disabled: it gets nothing more.
      await this.webhooks.inTransaction((manager) =>
        this.webhooks.failPendingDeliveries(
          manager,
          delivery.endpointId,
          'the endpoint was deleted or disabled',
        ),
      );
      return true;
    }
    const attempt = delivery.attempts + 1;
    const request = signedRequest(delivery, attempt, this.secrets.open(endpoint));
    const at = new Date();
    let result: SendResult;
    try {
      result = await this.sender.post(endpoint.url, request, timeoutMs, this.shutdown.signal);
    } catch (error) {
      if (error instanceof DeliveryInterrupted) {
        return false;
      }
      throw error;
    }
    await this.record(delivery, attempt, at, result);
    return true;
  }

  private record(claimed: WebhookDelivery, attempt: number, at: Date, result: SendResult): Promise<void> {
    return this.webhooks.inTransaction(async (manager) => {
      const delivery = await this.webhooks.lockDelivery(manager, claimed.id);
      if (delivery?.attempts !== attempt - 1) {
        // The lease ran out and another process has recorded this attempt already.
        this.logger.warn(`webhook delivery ${claimed.id}: attempt ${attempt} was recorded elsewhere`);
        return;
      }
      await this.webhooks.insertAttempt(manager, {
        deliveryId: delivery.id,
        attempt,
        at,
        statusCode: result.statusCode ?? null,
        durationMs: result.durationMs,
        error: attemptError(result),
      });
      const step = nextStep(result, attempt, this.policy);
      const common = { attempts: attempt, lastStatusCode: result.statusCode ?? null };
      const what = `webhook delivery ${delivery.id} (${delivery.eventType} to endpoint ${delivery.endpointId})`;
      const why = result.detail ? ` [${result.detail}]` : '';
      // Without an answer, the times a tenant can read (the next attempt, the failure) count from the attempt's
      // start and deadline, not from when it ended: that would tell a refused connection from a filtered port.
      const answered = result.statusCode !== undefined;
      const deadline = new Date(at.getTime() + this.config.WEBHOOK_TIMEOUT_MS);
      switch (step.status) {
        case 'delivered':
          return this.webhooks.updateDelivery(manager, delivery.id, {
            ...common,
            status: 'delivered',
            lastError: null,
            deliveredAt: new Date(),
            failedAt: null,
          });
        case 'pending':
          if (delivery.status !== 'pending') {
            // The endpoint was deleted while this attempt was in flight; its failure stands.
            return this.webhooks.updateDelivery(manager, delivery.id, common);
          }
          this.logger.warn(
            `${what}: attempt ${attempt} failed (${step.lastError}${why}), again in ${step.retryInMs} ms`,
          );
          return this.webhooks.updateDelivery(
            manager,
            delivery.id,
            { ...common, lastError: step.lastError },
            step.retryInMs,
            answered ? undefined : deadline,
          );
        case 'failed':
          this.logger.warn(`${what} failed after ${attempt} attempt(s): ${step.lastError}${why}`);
          await this.webhooks.updateDelivery(manager, delivery.id, {
            ...common,
            status: 'failed',
            lastError: step.lastError,
            failedAt: delivery.failedAt ?? (answered ? new Date() : at),
          });
          if (step.disableEndpoint) {
            await this.webhooks.disableEndpoint(manager, delivery.endpointId);
            await this.webhooks.failPendingDeliveries(
              manager,
              delivery.endpointId,
              'the endpoint answered 410 Gone and was disabled',
              delivery.id,
            );
          }
      }
    });
  }
}

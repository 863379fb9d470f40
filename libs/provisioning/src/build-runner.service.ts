import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboxService, type Tx } from '@app/messaging';
import { AppConfig, type DueRun } from '@app/platform';
import { type BuildStep, nextStep, percentAt } from './build.state.js';
import { CredentialsService } from './credentials.service.js';
import {
  type BuildSecrets,
  type Machine,
  PLACEMENT,
  type Placement,
  PROVISIONING_DRIVER,
  type ProvisioningDriver,
} from './driver/provisioning.driver.js';
import type { BuildJob } from './entities/build-job.entity.js';
import type { ServiceRecord } from './entities/service-record.entity.js';
import { placedMachineOf, specOf } from './machine.js';
import { ServiceRepository } from './service.repository.js';

/** What the driver said during one tick, gathered before anything is written. */
type Drive =
  | { kind: 'pending'; checkAfterMs: number }
  | { kind: 'next'; step: BuildStep }
  | { kind: 'built'; ipv4: string; ipv6: string | null }
  | { kind: 'failed'; reason: string; message: string; retryable: boolean };

const BACKOFF_FIRST_MS = 500;
// No give-up: the saga's provisioning deadline bounds a build, and its release cancels the job.
const BACKOFF_MAX_MS = 30_000;

/** provisioning.failed wants a snake_case code; a driver's own reason is coerced rather than refused. */
function reasonCode(reason: string): string {
  const code = reason
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 64);
  return code || 'driver_failure';
}

/**
 * Runs build jobs a step at a time: claim a due job, tell the driver to run its step, and record the outcome with
 * its event (progress, completed or failed) in the same commit; steps the driver finishes at once chain on within
 * that commit. A process that dies mid-step leaves
 * the job as it was before the step; whoever claims it next runs the step again.
 */
@Injectable()
export class BuildRunnerService {
  private readonly logger = new Logger(BuildRunnerService.name);

  constructor(
    private readonly services: ServiceRepository,
    private readonly outbox: OutboxService,
    @Inject(PROVISIONING_DRIVER) private readonly driver: ProvisioningDriver,
    @Inject(PLACEMENT) private readonly placement: Placement,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Runs one step of the most overdue job; false when no job is due, 'drained' when neither another job nor this
   * one (its next step) is due now.
   */
  runDueJob(): Promise<DueRun> {
    // Steps chained in one transaction publish up to seven events (started, progress, completed): one INSERT,
    // which carries the COMMIT (inTransaction commits as soon as this resolves).
    return this.services.inTransaction((manager) =>
      this.outbox.holdingRows(
        manager,
        async () => {
          const claimed = await this.services.claimDueJob(manager);
          if (!claimed) {
            return false;
          }
          const { job, service, more } = claimed;
          const tx = this.outbox.unitOfWork(manager, {
            tenantId: job.tenantId,
            correlationId: job.correlationId,
            causationId: job.causationId ?? undefined,
            traceparent: job.traceparent ?? undefined,
          });
          await this.advance(tx, job, service);
          const dueAgain = job.status === 'running' && job.runAfter.getTime() <= Date.now();
          return more || dueAgain ? true : 'drained';
        },
        true,
      ),
    );
  }

  /**
   * `unsaved`: the service's step changed earlier in this transaction and is not written yet. Steps chained in one
   * transaction commit together, so the service is written once, where the chain ends.
   */
  private async advance(tx: Tx, job: BuildJob, service: ServiceRecord, unsaved = false): Promise<void> {
    if (job.step === 'allocating' && !service.node) {
      const placed = await this.place(tx, service);
      if (!placed) {
        return this.fail(tx, job, service, {
          reason: 'no_capacity',
          message: `No node in region ${service.region} has room (or a free address) for the plan.`,
          retryable: true,
        });
      }
      unsaved = true;
    }
    if (!job.stepAnnounced) {
      await tx.publish(
        'provisioning.progress',
        { serviceId: service.id, orderId: service.orderId, percent: percentAt(job.step), step: job.step },
        { subject: service.id },
      );
      job.stepAnnounced = true;
      service.step = job.step;
      unsaved = true;
    }
    if (job.step === 'installing_image' && !service.credentialsSecretId) {
      // The password is sealed and committed before any driver writes its hash into the machine: a process dying
      // while the seed is written cannot leave a seed whose password was rolled back.
      await this.credentials.buildPassword(tx.manager, service);
      await this.services.saveService(tx.manager, service);
      return this.services.saveJob(tx.manager, job, 0);
    }
    let outcome: Drive;
    try {
      outcome = await this.drive(placedMachineOf(service), job.step, this.secretsOf(tx, service));
    } catch (error) {
      if (unsaved) {
        await this.services.saveService(tx.manager, service);
      }
      return this.backOff(tx, job, error);
    }
    job.driverErrors = 0;
    job.lastError = null;
    switch (outcome.kind) {
      case 'pending':
        if (unsaved) {
          await this.services.saveService(tx.manager, service);
        }
        return this.services.saveJob(tx.manager, job, outcome.checkAfterMs);
      case 'next':
        // A step the driver finished at once leads straight into the next one in the same transaction: a
        // hypervisor that answers immediately should not cost a claim per step.
        job.step = outcome.step;
        job.stepAnnounced = false;
        return this.advance(tx, job, service, unsaved);
      case 'built':
        return this.complete(tx, job, service, outcome);
      case 'failed':
        return this.fail(tx, job, service, outcome);
    }
  }

  /** Reserves a node and addresses in this transaction and announces where the machine is built. */
  private async place(tx: Tx, service: ServiceRecord): Promise<boolean> {
    const reservation = await this.placement.reserve(tx.manager, service.tenantId, specOf(service));
    if (!reservation) {
      return false;
    }
    service.node = reservation.node;
    service.network = reservation.network;
    await tx.publish(
      'provisioning.started',
      { serviceId: service.id, orderId: service.orderId, region: service.region, node: reservation.node },
      { subject: service.id },
    );
    return true;
  }

  /** The committed root password (sealed before installing_image), opened only if the driver asks for it. */
  private secretsOf(tx: Tx, service: ServiceRecord): BuildSecrets {
    return {
      sshKeys: [],
      rootPassword: () => {
        if (!service.credentialsSecretId) {
          return Promise.reject(
            new Error(`service ${service.id} has no sealed password before installing_image`),
          );
        }
        return this.credentials.reveal(tx.manager, service.credentialsSecretId, service.id);
      },
    };
  }

  /** Every driver call of the tick. If one throws, nothing the tick learnt is recorded and the step is re-run. */
  private async drive(machine: Machine, step: BuildStep, secrets: BuildSecrets): Promise<Drive> {
    const outcome = await this.driver.runStep(machine, step, secrets);
    if (outcome.kind === 'failed') {
      // provisioning.failed promises that partial resources are already freed.
      await this.driver.release(machine);
      return outcome;
    }
    if (outcome.kind === 'pending') {
      return outcome;
    }
    const next = nextStep(step);
    if (next) {
      return { kind: 'next', step: next };
    }
    const status = await this.driver.status(machine);
    if (status.power !== 'running' || !status.ipv4) {
      throw new Error(`the machine is ${status.power} with ipv4 ${status.ipv4 ?? 'none'} after booting`);
    }
    return { kind: 'built', ipv4: status.ipv4, ipv6: status.ipv6 };
  }

  private async complete(
    tx: Tx,
    job: BuildJob,
    service: ServiceRecord,
    built: { ipv4: string; ipv6: string | null },
  ): Promise<void> {
    // A driver that never asked for the password (the simulator) gets it sealed now.
    if (!service.credentialsSecretId) {
      await this.credentials.buildPassword(tx.manager, service);
    }
    const secretId = service.credentialsSecretId;
    const username = service.username;
    if (!secretId || !username) {
      throw new Error(`service ${service.id} has no credentials after its build`);
    }
    const now = new Date();
    Object.assign(service, {
      state: 'active',
      step: null,
      ipv4: built.ipv4,
      ipv6: built.ipv6,
      provisionedAt: now,
      seedRemoveAfter: this.driver.firstBootSeed
        ? new Date(now.getTime() + this.config.PROVISIONING_SEED_TTL_SECONDS * 1_000)
        : null,
    } satisfies Partial<ServiceRecord>);
    await this.services.saveService(tx.manager, service);
    Object.assign(job, { status: 'succeeded', finishedAt: now } satisfies Partial<BuildJob>);
    await this.services.saveJob(tx.manager, job, 0);
    await tx.publish(
      'provisioning.completed',
      {
        serviceId: service.id,
        orderId: service.orderId,
        hostname: service.hostname,
        ipv4: built.ipv4,
        ipv6: built.ipv6,
        username,
        credentialsSecretId: secretId,
      },
      { subject: service.id },
    );
  }

  private async fail(
    tx: Tx,
    job: BuildJob,
    service: ServiceRecord,
    failure: { reason: string; message: string; retryable: boolean },
  ): Promise<void> {
    const now = new Date();
    const reason = reasonCode(failure.reason);
    const message = failure.message.slice(0, 500);
    // provisioning.failed promises that the node's room and the addresses are back in the pool.
    await this.placement.free(tx.manager, service.id);
    await this.credentials.destroy(tx.manager, service.id);
    Object.assign(service, {
      state: 'failed',
      step: null,
      node: null,
      network: null,
      credentialsSecretId: null,
      failureStep: job.step,
      failureReason: reason,
      failureMessage: message,
      failureRetryable: failure.retryable,
      failedAt: now,
    } satisfies Partial<ServiceRecord>);
    await this.services.saveService(tx.manager, service);
    Object.assign(job, { status: 'failed', finishedAt: now } satisfies Partial<BuildJob>);
    await this.services.saveJob(tx.manager, job, 0);
    await tx.publish(
      'provisioning.failed',
      {
        serviceId: service.id,
        orderId: service.orderId,
        step: job.step,
        reason,
        message,
        retryable: failure.retryable,
      },
      { subject: service.id },
    );
  }

  /** The driver could not be reached or answered nonsense: try the same step again later. */
  private async backOff(tx: Tx, job: BuildJob, error: unknown): Promise<void> {
    job.driverErrors += 1;
    job.lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1_000);
    const delayMs = Math.min(BACKOFF_FIRST_MS * 2 ** (job.driverErrors - 1), BACKOFF_MAX_MS);
    this.logger.warn(
      `service ${job.serviceId} ${job.step}: driver error ${job.driverErrors}, again in ${delayMs} ms: ${job.lastError}`,
    );
    await this.services.saveJob(tx.manager, job, delayMs);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { AdminActionRepository } from './admin-action.repository.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditLogTap } from './audit-log.tap.js';
import { AUDIT } from './audit.domain.js';
import { BulkRedriveService } from './bulk-redrive.service.js';
import { ConsumerGroupsService } from './consumer-groups.service.js';
import { ConsumerLagService } from './consumer-lag.service.js';
import { ConsumersController } from './consumers.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLettersService } from './dead-letters.service.js';
import { AdminAction } from './entities/admin-action.entity.js';
import { EventLogEntry } from './entities/event-log-entry.entity.js';
import { Replay } from './entities/replay.entity.js';
import { EventLogRepository } from './event-log.repository.js';
import { AccountSuspendedListener } from './listeners/account-suspended.listener.js';
import { AccountUnsuspendedListener } from './listeners/account-unsuspended.listener.js';
import { InvoiceVoidRequestedListener } from './listeners/invoice-void-requested.listener.js';
import { PaymentRefundRequestedListener } from './listeners/payment-refund-requested.listener.js';
import { ServiceSuspendRequestedListener } from './listeners/service-suspend-requested.listener.js';
import { ServiceTerminateRequestedListener } from './listeners/service-terminate-requested.listener.js';
import { ServiceUnsuspendRequestedListener } from './listeners/service-unsuspend-requested.listener.js';
import { OrderStateReportedListener } from './listeners/order-state-reported.listener.js';
import { SagaOperatorActionListener } from './listeners/saga-operator-action.listener.js';
import { OperatorTrailService } from './operator-trail.service.js';
import { OrderAuditController } from './order-audit.controller.js';
import { OrderTimelineService } from './order-timeline.service.js';
import { RedriveService } from './redrive.service.js';
import { ReplayRepository } from './replay.repository.js';
import { ReplaysService } from './replays.service.js';
import { SchemaBrowserService } from './schema-browser.service.js';
import { SchemasController } from './schemas.controller.js';
import { AdminViewerModule } from './viewer/admin-viewer.module.js';

@Module({
  imports: [
    MessagingModule.forDomain(AUDIT),
    TypeOrmModule.forFeature([EventLogEntry, AdminAction, Replay]),
    AdminViewerModule,
  ],
  controllers: [
    AuditEventsController,
    OrderAuditController,
    DeadLettersController,
    ConsumersController,
    SchemasController,
    OrderStateReportedListener,
    SagaOperatorActionListener,
    AccountSuspendedListener,
    AccountUnsuspendedListener,
    InvoiceVoidRequestedListener,
    PaymentRefundRequestedListener,
    ServiceSuspendRequestedListener,
    ServiceTerminateRequestedListener,
    ServiceUnsuspendRequestedListener,
  ],
  providers: [
    EventLogRepository,
    AdminActionRepository,
    ReplayRepository,
    AuditLogTap,
    AuditEventsService,
    OrderTimelineService,
    ReplaysService,
    RedriveService,
    DeadLettersService,
    BulkRedriveService,
    ConsumerLagService,
    ConsumerGroupsService,
    SchemaBrowserService,
    OperatorTrailService,
  ],
})
export class AuditModule {}

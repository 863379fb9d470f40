import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { AdminActionRepository } from './admin-action.repository.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditLogTap } from './audit-log.tap.js';
import { AUDIT } from './audit.domain.js';
import { ConsumerLagService } from './consumer-lag.service.js';
import { ConsumersController } from './consumers.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLettersService } from './dead-letters.service.js';
import { AdminAction } from './entities/admin-action.entity.js';
import { EventLogEntry } from './entities/event-log-entry.entity.js';
import { Replay } from './entities/replay.entity.js';
import { EventLogRepository } from './event-log.repository.js';
import { OrderStateReportedListener } from './listeners/order-state-reported.listener.js';
import { OrderAuditController } from './order-audit.controller.js';
import { OrderTimelineService } from './order-timeline.service.js';
import { ReplayRepository } from './replay.repository.js';
import { ReplaysService } from './replays.service.js';
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
    OrderStateReportedListener,
  ],
  providers: [
    EventLogRepository,
    AdminActionRepository,
    ReplayRepository,
    AuditLogTap,
    AuditEventsService,
    OrderTimelineService,
    ReplaysService,
    DeadLettersService,
    ConsumerLagService,
  ],
})
export class AuditModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { allowStandIn, AppConfig, SecretSealer } from '@app/platform';
import { BuildPoller } from './build-poller.service.js';
import { BuildRequestService } from './build-request.service.js';
import { BuildRunner } from './build-runner.service.js';
import { CredentialsService } from './credentials.service.js';
import { PROVISIONING_DRIVER } from './driver/provisioning.driver.js';
import { SimulatorDriver } from './driver/simulator.driver.js';
import { BuildJob } from './entities/build-job.entity.js';
import { SealedSecret } from './entities/sealed-secret.entity.js';
import { ServiceCommand } from './entities/service-command.entity.js';
import { ServiceRecord } from './entities/service-record.entity.js';
import { ServiceRelease } from './entities/service-release.entity.js';
import { ProvisioningReleaseRequestedListener } from './listeners/provisioning-release-requested.listener.js';
import { ProvisioningRequestedListener } from './listeners/provisioning-requested.listener.js';
import { ServiceResizeRequestedListener } from './listeners/service-resize-requested.listener.js';
import { ServiceSuspendRequestedListener } from './listeners/service-suspend-requested.listener.js';
import { ServiceTerminateRequestedListener } from './listeners/service-terminate-requested.listener.js';
import { ServiceUnsuspendRequestedListener } from './listeners/service-unsuspend-requested.listener.js';
import { PROVISIONING } from './provisioning.domain.js';
import { ReleaseService } from './release.service.js';
import { ServiceCommandRepository } from './service-command.repository.js';
import { ServiceLifecycleService } from './service-lifecycle.service.js';
import { ServiceRepository } from './service.repository.js';
import { ServicesController } from './services.controller.js';
import { ServicesService } from './services.service.js';

@Module({
  imports: [
    MessagingModule.forDomain(PROVISIONING),
    TypeOrmModule.forFeature([ServiceRecord, BuildJob, SealedSecret, ServiceRelease, ServiceCommand]),
  ],
  controllers: [
    ServicesController,
    ProvisioningRequestedListener,
    ProvisioningReleaseRequestedListener,
    ServiceSuspendRequestedListener,
    ServiceUnsuspendRequestedListener,
    ServiceTerminateRequestedListener,
    ServiceResizeRequestedListener,
  ],
  providers: [
    ServiceRepository,
    ServicesService,
    BuildRequestService,
    BuildRunner,
    BuildPoller,
    ReleaseService,
    ServiceCommandRepository,
    ServiceLifecycleService,
    CredentialsService,
    {
      provide: PROVISIONING_DRIVER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        allowStandIn(
          config,
          'ALLOW_SIMULATED_PROVISIONING',
          'the provisioning simulator (it creates no machine)',
        );
        return new SimulatorDriver(config.PROVISIONING_SIMULATOR_STEP_MS);
      },
    },
    {
      provide: SecretSealer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretSealer(config.SECRETS_KEY),
    },
  ],
})
export class ProvisioningModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { AppConfig, SecretSealer } from '@app/platform';
import { BuildPoller } from './build-poller.service.js';
import { BuildRequestService } from './build-request.service.js';
import { BuildRunner } from './build-runner.service.js';
import { CredentialsService } from './credentials.service.js';
import { PROVISIONING_DRIVER } from './driver/provisioning.driver.js';
import { SimulatorDriver } from './driver/simulator.driver.js';
import { BuildJob } from './entities/build-job.entity.js';
import { SealedSecret } from './entities/sealed-secret.entity.js';
import { ServiceRecord } from './entities/service-record.entity.js';
import { ServiceRelease } from './entities/service-release.entity.js';
import { ProvisioningReleaseRequestedListener } from './listeners/provisioning-release-requested.listener.js';
import { ProvisioningRequestedListener } from './listeners/provisioning-requested.listener.js';
import { PROVISIONING } from './provisioning.domain.js';
import { ReleaseService } from './release.service.js';
import { ServiceRepository } from './service.repository.js';
import { ServicesController } from './services.controller.js';
import { ServicesService } from './services.service.js';

@Module({
  imports: [
    MessagingModule.forDomain(PROVISIONING),
    TypeOrmModule.forFeature([ServiceRecord, BuildJob, SealedSecret, ServiceRelease]),
  ],
  controllers: [ServicesController, ProvisioningRequestedListener, ProvisioningReleaseRequestedListener],
  providers: [
    ServiceRepository,
    ServicesService,
    BuildRequestService,
    BuildRunner,
    BuildPoller,
    ReleaseService,
    CredentialsService,
    {
      provide: PROVISIONING_DRIVER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SimulatorDriver(config.PROVISIONING_SIMULATOR_STEP_MS),
    },
    {
      provide: SecretSealer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretSealer(config.SECRETS_KEY),
    },
  ],
})
export class ProvisioningModule {}

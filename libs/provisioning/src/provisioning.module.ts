import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagingModule } from '@app/messaging';
import { allowStandIn, AppConfig, SecretSealer } from '@app/platform';
import { BuildPollerService } from './build-poller.service.js';
import { BuildRequestService } from './build-request.service.js';
import { BuildRunnerService } from './build-runner.service.js';
import { CredentialsService } from './credentials.service.js';
import { LibvirtDriver } from './driver/libvirt/libvirt.driver.js';
import { NODE_DIRECTORY, PLACEMENT, PROVISIONING_DRIVER } from './driver/provisioning.driver.js';
import { SimulatorDriver } from './driver/simulator.driver.js';
import { BuildJob } from './entities/build-job.entity.js';
import { HypervisorNode } from './entities/hypervisor-node.entity.js';
import { IpAddress } from './entities/ip-address.entity.js';
import { IpPool } from './entities/ip-pool.entity.js';
import { NodeReservation } from './entities/node-reservation.entity.js';
import { SealedSecret } from './entities/sealed-secret.entity.js';
import { ServiceActionRecord } from './entities/service-action.entity.js';
import { ServiceCommand } from './entities/service-command.entity.js';
import { ServiceRecord } from './entities/service-record.entity.js';
import { ServiceRelease } from './entities/service-release.entity.js';
import { ProvisioningReleaseRequestedListener } from './listeners/provisioning-release-requested.listener.js';
import { ProvisioningRequestedListener } from './listeners/provisioning-requested.listener.js';
import { ServiceResizeRequestedListener } from './listeners/service-resize-requested.listener.js';
import { ServiceSuspendRequestedListener } from './listeners/service-suspend-requested.listener.js';
import { ServiceTerminateRequestedListener } from './listeners/service-terminate-requested.listener.js';
import { ServiceActionRequestedListener } from './listeners/service-action-requested.listener.js';
import { ServiceUnsuspendRequestedListener } from './listeners/service-unsuspend-requested.listener.js';
import { ServicesAdminController } from './admin/services-admin.controller.js';
import { ServicesAdminService } from './admin/services-admin.service.js';
import { HypervisorNodesController } from './hypervisor-nodes.controller.js';
import { HypervisorNodesService } from './hypervisor-nodes.service.js';
import { IpPoolsController } from './ip-pools.controller.js';
import { IpPoolsService } from './ip-pools.service.js';
import { NodePlacementService } from './node-placement.service.js';
import { PlacementSeederService } from './placement-seeder.service.js';
import { PlacementRepository } from './placement.repository.js';
import { PROVISIONING } from './provisioning.domain.js';
import { ReleaseService } from './release.service.js';
import { SeedSweeperService } from './seed-sweeper.service.js';
import { ServiceActionRunnerService } from './service-action-runner.service.js';
import { ServiceActionRepository } from './service-action.repository.js';
import { ServiceActionsService } from './service-actions.service.js';
import { ServiceCommandRepository } from './service-command.repository.js';
import { ServiceLifecycleService } from './service-lifecycle.service.js';
import { ServiceRepository } from './service.repository.js';
import { ServicesController } from './services.controller.js';
import { ServicesService } from './services.service.js';
import { SimulatorPlacement } from './simulator-placement.js';

@Module({
  imports: [
    MessagingModule.forDomain(PROVISIONING),
    TypeOrmModule.forFeature([
      ServiceRecord,
      BuildJob,
      SealedSecret,
      ServiceRelease,
      ServiceCommand,
      HypervisorNode,
      NodeReservation,
      IpPool,
      IpAddress,
      ServiceActionRecord,
    ]),
  ],
  controllers: [
    ServicesController,
    HypervisorNodesController,
    IpPoolsController,
    ServicesAdminController,
    ProvisioningRequestedListener,
    ProvisioningReleaseRequestedListener,
    ServiceSuspendRequestedListener,
    ServiceUnsuspendRequestedListener,
    ServiceTerminateRequestedListener,
    ServiceResizeRequestedListener,
    ServiceActionRequestedListener,
  ],
  providers: [
    ServiceRepository,
    ServicesService,
    BuildRequestService,
    BuildRunnerService,
    BuildPollerService,
    ReleaseService,
    ServiceCommandRepository,
    ServiceLifecycleService,
    CredentialsService,
    SeedSweeperService,
    ServiceActionRepository,
    ServiceActionsService,
    ServiceActionRunnerService,
    PlacementRepository,
    HypervisorNodesService,
    ServicesAdminService,
    IpPoolsService,
    PlacementSeederService,
    { provide: NODE_DIRECTORY, useExisting: PlacementRepository },
    {
      provide: PROVISIONING_DRIVER,
      inject: [AppConfig, NODE_DIRECTORY],
      useFactory: (config: AppConfig, nodes: PlacementRepository) => {
        if (config.PROVISIONING_DRIVER === 'libvirt') {
          return new LibvirtDriver(nodes);
        }
        allowStandIn(
          config,
          'ALLOW_SIMULATED_PROVISIONING',
          'the provisioning simulator (it creates no machine)',
        );
        return new SimulatorDriver(config.PROVISIONING_SIMULATOR_STEP_MS);
      },
    },
    {
      // The simulator brings its own node names and addresses; real machines get room and leases from the pools.
      provide: PLACEMENT,
      inject: [AppConfig, PlacementRepository],
      useFactory: (config: AppConfig, repository: PlacementRepository) =>
        config.PROVISIONING_DRIVER === 'libvirt'
          ? new NodePlacementService(repository)
          : new SimulatorPlacement(),
    },
    {
      provide: SecretSealer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretSealer(config.SECRETS_KEY),
    },
  ],
})
export class ProvisioningModule {}

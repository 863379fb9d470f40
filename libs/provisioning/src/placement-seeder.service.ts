import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, ConfigError } from '@app/platform';
import { AddIpRangeDto } from './dto/add-ip-range.dto.js';
import { CreateHypervisorNodeDto } from './dto/create-hypervisor-node.dto.js';
import { HypervisorNodesService } from './hypervisor-nodes.service.js';
import { IpPoolsService } from './ip-pools.service.js';
import { checkRange } from './ip-range.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';

type SeedVariable = 'PROVISIONING_NODES' | 'PROVISIONING_IP_POOLS';

/**
 * Reads a seed variable's entries and checks each as the admin API checks its request body; a bad entry stops the
 * boot with the variable, the entry's index and what is wrong.
 */
export function parseSeed<T extends object>(
  variable: SeedVariable,
  json: string,
  type: new () => T,
  extraCheck: (entry: T) => string | undefined = () => undefined,
): T[] {
  const parsed: unknown = JSON.parse(json === '' ? '[]' : json);
  if (!Array.isArray(parsed)) {
    throw new ConfigError([variable], [`${variable} must be a JSON array`]);
  }
  return parsed.map((raw: unknown, index) => {
    const entry = plainToInstance(type, raw);
    const errors = validateSync(entry, { whitelist: true, forbidNonWhitelisted: true });
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    const extra = problems.length === 0 ? extraCheck(entry) : undefined;
    if (problems.length > 0 || extra !== undefined) {
      throw new ConfigError(
        [variable],
        [`${variable}[${index}]: ${[...problems, extra].filter(Boolean).join(', ')}`],
      );
    }
    return entry;
  });
}

const isOverlap = (error: unknown): error is ProvisioningException =>
  error instanceof ProvisioningException && error.code === String(ProvisioningErrorCode.IpRangeOverlaps);

const rangeProblem = (dto: AddIpRangeDto): string | undefined => {
  const check = checkRange({ ...dto, dns: dto.dns ?? [] });
  return check.ok ? undefined : check.message;
};

/**
 * Development: creates the nodes and IP ranges of PROVISIONING_NODES and PROVISIONING_IP_POOLS that are missing, at
 * every boot. What exists is left alone (the admin API may have changed it since), nothing is deleted.
 */
@Injectable()
export class PlacementSeederService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlacementSeederService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly nodes: HypervisorNodesService,
    private readonly pools: IpPoolsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const nodes = parseSeed('PROVISIONING_NODES', this.config.PROVISIONING_NODES, CreateHypervisorNodeDto);
    const ranges = parseSeed(
      'PROVISIONING_IP_POOLS',
      this.config.PROVISIONING_IP_POOLS,
      AddIpRangeDto,
      rangeProblem,
    );
    for (const node of nodes) {
      await this.nodes.createIfMissing(node, 'config (PROVISIONING_NODES)');
    }
    for (const range of ranges) {
      try {
        await this.pools.addIfMissing(range, 'config (PROVISIONING_IP_POOLS)');
      } catch (error) {
        if (!isOverlap(error)) {
          throw error;
        }
        this.logger.warn(`PROVISIONING_IP_POOLS: ${range.first}-${range.last} skipped: ${error.message}`);
      }
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { AddIpRangeDto } from './dto/add-ip-range.dto.js';
import type { RegionFilterQuery } from './dto/region-filter.query.js';
import type { IpPool } from './entities/ip-pool.entity.js';
import { toPoolView, type IpPoolView } from './ip-pool.view.js';
import { checkRange, parseAddress } from './ip-range.js';
import { PlacementRepository } from './placement.repository.js';
import { ProvisioningErrorCode, ProvisioningException } from './provisioning.exception.js';

/** The administrator's use cases on IP pools; every change is logged with who made it. */
@Injectable()
export class IpPoolsService {
  private readonly logger = new Logger(IpPoolsService.name);

  constructor(private readonly repository: PlacementRepository) {}

  async list(query: RegionFilterQuery): Promise<IpPoolView[]> {
    const pools = await this.repository.listPools(query.region);
    return pools.map(({ pool, leased }) => toPoolView(pool, leased));
  }

  async get(id: string): Promise<IpPoolView> {
    const usage = await this.repository.findPool(id);
    if (!usage) {
      throw new ProvisioningException(ProvisioningErrorCode.IpPoolNotFound);
    }
    return toPoolView(usage.pool, usage.leased);
  }

  /** Adds the range as a pool of free addresses, one row each; 422 when it is unusable, 409 when it overlaps one. */
  async add(dto: AddIpRangeDto, actor: string): Promise<IpPoolView> {
    const id = uuidv7();
    await this.insert(id, dto, actor, false);
    return this.get(id);
  }

  /** The same, except that the very same range of the same region already added is no error: null, nothing added. */
  async addIfMissing(dto: AddIpRangeDto, actor: string): Promise<string | null> {
    const id = uuidv7();
    return (await this.insert(id, dto, actor, true)) ? id : null;
  }

  private async insert(
    id: string,
    dto: AddIpRangeDto,
    actor: string,
    sameIsAdded: boolean,
  ): Promise<boolean> {
    const check = checkRange({ ...dto, dns: dto.dns ?? [] });
    if (!check.ok) {
      throw new ProvisioningException(
        check.tooLarge ? ProvisioningErrorCode.IpRangeTooLarge : ProvisioningErrorCode.IpRangeInvalid,
        check.message,
      );
    }
    const { range } = check;
    const pool: IpPool = {
      id,
      region: dto.region,
      family: range.family,
      firstAddress: range.first,
      lastAddress: range.last,
      prefix: range.prefix,
      gateway: range.gateway,
      dns: [...range.dns],
      createdAt: new Date(),
    };
    const added = await this.repository.inTransaction(async (m) => {
      await this.repository.lockRanges(m);
      const other = await this.repository.findOverlapping(m, range.family, range.first, range.last);
      if (other && sameIsAdded && isSameRange(other, pool)) {
        return false;
      }
      if (other) {
        throw new ProvisioningException(
          ProvisioningErrorCode.IpRangeOverlaps,
          `${range.first}-${range.last} overlaps ${other.firstAddress}-${other.lastAddress} ` +
            `(pool ${other.id}, ${other.region})`,
        );
      }
      await this.repository.insertPool(m, pool, range.size);
      return true;
    });
    if (!added) {
      return false;
    }
    this.logger.log(
      `IP pool ${pool.id} (${pool.region}, ${range.first}-${range.last}/${range.prefix}, ${range.size} addresses) ` +
        `added by ${actor}`,
    );
    return true;
  }

  async remove(id: string, actor: string): Promise<void> {
    const outcome = await this.repository.inTransaction((m) => this.repository.deletePoolIfFree(m, id));
    if (outcome === 'not-found') {
      throw new ProvisioningException(ProvisioningErrorCode.IpPoolNotFound);
    }
    if (outcome === 'in-use') {
      throw new ProvisioningException(
        ProvisioningErrorCode.IpPoolInUse,
        `addresses of pool ${id} are leased; release or terminate their services first`,
      );
    }
    this.logger.log(`IP pool ${id} deleted by ${actor}`);
  }
}

const sameAddress = (a: string, b: string): boolean => parseAddress(a)?.value === parseAddress(b)?.value;

function isSameRange(existing: IpPool, wanted: IpPool): boolean {
  return (
    existing.region === wanted.region &&
    sameAddress(existing.firstAddress, wanted.firstAddress) &&
    sameAddress(existing.lastAddress, wanted.lastAddress)
  );
}

import type { IpPool } from './entities/ip-pool.entity.js';
import { type IpFamily, parseAddress } from './ip-range.js';

/** What an administrator sees of a pool: its range and subnet, and how many of its addresses are leased. */
export interface IpPoolView {
  id: string;
  region: string;
  family: IpFamily;
  first: string;
  last: string;
  prefix: number;
  gateway: string;
  dns: string[];
  size: number;
  leased: number;
  free: number;
  createdAt: string;
}

export function toPoolView(pool: IpPool, leased: number): IpPoolView {
  const size =
    Number((parseAddress(pool.lastAddress)?.value ?? 0n) - (parseAddress(pool.firstAddress)?.value ?? 0n)) +
    1;
  return {
    id: pool.id,
    region: pool.region,
    family: pool.family,
    first: pool.firstAddress,
    last: pool.lastAddress,
    prefix: pool.prefix,
    gateway: pool.gateway,
    dns: pool.dns,
    size,
    leased,
    free: size - leased,
    createdAt: pool.createdAt.toISOString(),
  };
}

import { readdirSync, readFileSync } from 'node:fs';

/** Where the machine's CPU went during a step, in cores (1.0 = one core busy the whole time). */
export interface CpuUse {
  machine: number;
  /** The PLATFORMA process(es) the benchmark started. */
  app: number;
  broker: number;
  postgres: number;
  /** The benchmark's own process: the load generator, each order's page and the SMTP sink. */
  loadGenerator: number;
  /** Everything else: the kernel's own work (softirq, kworkers), other processes. */
  other: number;
  /** Busy CPU time of the whole machine per completed order, in milliseconds. */
  msPerOrder: number;
}

interface Snapshot {
  at: number;
  busyTicks: number;
  /** Ticks of each process of a group, by pid. */
  byGroup: Record<Group, Map<string, number>>;
}

type Group = 'app' | 'broker' | 'postgres' | 'loadGenerator';

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** user + system ticks of a process, from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name). */
export function processTicks(pid: string): number {
  const stat = read(`/proc/${pid}/stat`);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

function groupOf(pid: string, appPids: Set<number>): Group | undefined {
  if (appPids.has(Number(pid))) {
    return 'app';
  }
  if (Number(pid) === process.pid) {
    return 'loadGenerator';
  }
  const command = read(`/proc/${pid}/cmdline`) ?? '';
  if (command.includes('kafka.Kafka')) {
    return 'broker';
  }
  return read(`/proc/${pid}/comm`)?.trim() === 'postgres' ? 'postgres' : undefined;
}

/** Linux only: elsewhere snapshot() returns undefined and the report leaves the CPU columns empty. */
export function cpuSnapshot(appPids: Set<number>): Snapshot | undefined {
  const total = read('/proc/stat')?.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!total) {
    return undefined;
  }
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = total;
  const byGroup: Snapshot['byGroup'] = {
    app: new Map(),
    broker: new Map(),
    postgres: new Map(),
    loadGenerator: new Map(),
  };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const group = groupOf(pid, appPids);
    if (group) {
      byGroup[group].set(pid, processTicks(pid));
    }
  }
  return { at: performance.now(), busyTicks: user + nice + system + irq + softirq + steal, byGroup };
}

export function cpuBetween(
  first: Snapshot | undefined,
  last: Snapshot | undefined,
  completed: number,
): CpuUse | undefined {
  if (!first || !last) {
    return undefined;
  }
  const seconds = (last.at - first.at) / 1000;
  const cores = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100;
  const machine = cores(last.busyTicks - first.busyTicks);
  const app = cores(ticksBetween(first.byGroup.app, last.byGroup.app));
  const broker = cores(ticksBetween(first.byGroup.broker, last.byGroup.broker));
  const postgres = cores(ticksBetween(first.byGroup.postgres, last.byGroup.postgres));
  const loadGenerator = cores(ticksBetween(first.byGroup.loadGenerator, last.byGroup.loadGenerator));
  return {
    machine,
    app,
    broker,
    postgres,
    loadGenerator,
    other: Math.round(Math.max(0, machine - app - broker - postgres - loadGenerator) * 100) / 100,
    msPerOrder: completed > 0 ? Math.round(((machine * seconds * 1000) / completed) * 10) / 10 : 0,
  };
}

/**
 * Ticks a group's processes used between two snapshots: each living process's growth, a process started meanwhile
 * counted from zero. One that ended meanwhile (a PostgreSQL backend of a closed connection) is left out: its last
 * ticks are unknown, and subtracting its earlier total would make the group's use negative.
 */
function ticksBetween(first: Map<string, number>, last: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, now] of last) {
    ticks += Math.max(0, now - (first.get(pid) ?? 0));
  }
  return ticks;
}

/** CPU of one more order per second, in milliseconds of busy time per order: what an order costs at the margin. */
export interface MarginalCpu {
  /** The two offered rates (orders/s) it is measured between. */
  between: [number, number];
  machine: number;
  app: number;
  broker: number;
  postgres: number;
  loadGenerator: number;
  /** Everything else (the kernel's own work, other processes). */
  other: number;
}

/**
 * The marginal CPU per order between two sustained steps: the difference of their busy cores over the difference
 * of their rates. Fixed costs (idle polling, the broker's housekeeping) cancel out, unlike busy time ÷ orders.
 */
export function marginalCpu(
  low: { rate: number; cpu?: CpuUse },
  high: { rate: number; cpu?: CpuUse },
): MarginalCpu | null {
  if (!low.cpu || !high.cpu || high.rate <= low.rate) {
    return null;
  }
  const [a, b] = [low.cpu, high.cpu];
  const per = (x: number, y: number) => Math.round(((y - x) * 1000 * 10) / (high.rate - low.rate)) / 10;
  return {
    between: [low.rate, high.rate],
    machine: per(a.machine, b.machine),
    app: per(a.app, b.app),
    broker: per(a.broker, b.broker),
    postgres: per(a.postgres, b.postgres),
    loadGenerator: per(a.loadGenerator, b.loadGenerator),
    other: per(a.other, b.other),
  };
}

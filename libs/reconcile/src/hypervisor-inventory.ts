import { domainName, machineVolumes, VirshClient, VirshError } from '@app/provisioning';
import type { Queryable } from './reconciler.js';

export const HYPERVISOR_ORPHANS_CHECK = 'hypervisor objects no service owns';
export const HYPERVISOR_MISSING_CHECK = 'active services without a domain';
export const HYPERVISOR_UNREACHABLE_CHECK = 'hypervisor nodes not reachable';

/** The libvirt driver names every domain and volume of a machine `pf-<service id>…`; base images are not. */
const MACHINE_PREFIX = 'pf-';
const SERVICE_ID = /^pf-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
/** States whose machine lives on its node: a failed build and a release free everything. */
const LIVE_STATES: readonly ServiceState[] = ['provisioning', 'active', 'suspended'];
/** States whose machine must have its domain. */
const DELIVERED_STATES: readonly ServiceState[] = ['active', 'suspended'];

export type ServiceState = 'provisioning' | 'active' | 'suspended' | 'failed' | 'released';

/** A service as the hypervisors see it: where its node is, if it is placed and the node row still exists. */
export interface PlacedServiceFact {
  id: string;
  state: ServiceState;
  node: string | null;
  uri: string | null;
  storagePool: string | null;
  updatedAt: Date;
}

/**
 * What one storage pool of one libvirt connection holds: its `pf-` domains and volumes, or why they could not be
 * read. `nodes` are the enabled node rows naming this connection and pool (one in production; test suites share one
 * libvirtd between many).
 */
export interface PoolListing {
  nodes: string[];
  uri: string;
  pool: string;
  domains: string[];
  volumes: string[];
  error?: string;
}

export interface HypervisorDisagreements {
  /** `node: name (why)` of each `pf-` domain or volume no live service placed on that connection owns. */
  orphans: string[];
  /** `node: domain (state)` of each active or suspended service placed on an inspected node without its domain. */
  missing: string[];
  /** `node (uri): reason` of each connection or pool that could not be listed. */
  unreachable: string[];
}

const label = (listing: PoolListing) =>
  listing.nodes.length === 1
    ? (listing.nodes[0] ?? '')
    : `${listing.nodes[0] ?? ''} (+${listing.nodes.length - 1} nodes on the same pool)`;

/** The service a `pf-` name belongs to by the driver's naming, or undefined for a name the driver never makes. */
function serviceOf(name: string, kind: 'domain' | 'volume'): string | undefined {
  const id = SERVICE_ID.exec(name)?.[1]?.toLowerCase();
  if (!id) {
    return undefined;
  }
  return (kind === 'domain' ? [domainName(id)] : machineVolumes(id)).includes(name) ? id : undefined;
}

/** Why a machine's object on this listing has no owner, or undefined when its service owns it there. */
function unowned(
  service: PlacedServiceFact | undefined,
  listing: PoolListing,
  kind: 'domain' | 'volume',
): string | undefined {
  if (!service) {
    return 'no service';
  }
  if (!LIVE_STATES.includes(service.state)) {
    return `service ${service.state}`;
  }
  if (!service.node) {
    return `service ${service.state}, not placed`;
  }
  if (service.uri !== listing.uri || (kind === 'volume' && service.storagePool !== listing.pool)) {
    return `service ${service.state} on ${service.node}`;
  }
  return undefined;
}

/**
 * Compares what the hypervisors hold with provisioning.service. An object is owned when its service is live
 * (provisioning, active, suspended) and placed on a node with the same connection (and, for a volume, the same pool):
 * node rows sharing one libvirtd are one place. A service that changed within the grace period is in flight (a build
 * making its machine, a release or a failed build freeing it) and is left alone both ways.
 */
export function hypervisorDisagreements(
  listings: PoolListing[],
  services: PlacedServiceFact[],
  now: Date,
  graceMs: number,
): HypervisorDisagreements {
  const byId = new Map(services.map((s) => [s.id, s]));
  const settled = (s: PlacedServiceFact) => now.getTime() - s.updatedAt.getTime() >= graceMs;
  const found: HypervisorDisagreements = { orphans: [], missing: [], unreachable: [] };
  const domainsSeen = new Set<string>();

  const judge = (listing: PoolListing, name: string, kind: 'domain' | 'volume') => {
    if (!name.startsWith(MACHINE_PREFIX)) {
      return;
    }
    const id = serviceOf(name, kind);
    const service = id === undefined ? undefined : byId.get(id);
    if (service && !settled(service)) {
      return;
    }
    const why = id === undefined ? 'not a machine name' : unowned(service, listing, kind);
    if (why) {
      found.orphans.push(`${label(listing)}: ${name} (${why})`);
    }
  };

  for (const listing of listings) {
    if (listing.error !== undefined) {
      found.unreachable.push(`${label(listing)} (${listing.uri}): ${listing.error}`);
      continue;
    }
    // Domains belong to the connection, not the pool: judged once however many pools it has.
    if (!domainsSeen.has(listing.uri)) {
      domainsSeen.add(listing.uri);
      listing.domains.forEach((name) => judge(listing, name, 'domain'));
    }
    listing.volumes.forEach((name) => judge(listing, name, 'volume'));

    const domains = new Set(listing.domains);
    for (const service of services) {
      if (
        service.node !== null &&
        listing.nodes.includes(service.node) &&
        DELIVERED_STATES.includes(service.state) &&
        settled(service) &&
        !domains.has(domainName(service.id))
      ) {
        found.missing.push(`${service.node}: ${domainName(service.id)} (${service.state})`);
      }
    }
  }
  return found;
}

/** virsh's complaint on one line, without its `error: ` prefixes. */
function reasonOf(error: unknown): string {
  const text =
    error instanceof VirshError && error.stderr.trim()
      ? error.stderr
      : error instanceof Error
        ? error.message
        : String(error);
  return text
    .split('\n')
    .map((line) => line.replace(/^error:\s*/, '').trim())
    .filter(Boolean)
    .join('; ');
}

export interface HypervisorInventoryOptions {
  /** Only these node ids (default: every enabled node, whatever its region or topic prefix: nodes are shared). */
  nodes?: string[];
  /** Per virsh call: an unreachable node must not hold the report for long (default 20 s). */
  timeoutMs?: number;
  virsh?: VirshClient;
}

export interface HypervisorInspection extends HypervisorDisagreements {
  /** Enabled nodes inspected. */
  nodes: number;
  /** `pf-` domains and volumes seen on the nodes that answered. */
  domains: number;
  volumes: number;
}

/**
 * Lists what every enabled hypervisor node holds (`virsh list --all`, `vol-list` of its pool) and compares it with
 * provisioning.service. Read-only: virsh is asked to list, never to refresh or change anything.
 */
export class HypervisorInventory {
  private readonly virsh: VirshClient;

  constructor(
    private readonly db: Queryable,
    private readonly options: HypervisorInventoryOptions = {},
  ) {
    this.virsh = options.virsh ?? new VirshClient({ timeoutMs: options.timeoutMs ?? 20_000 });
  }

  /** Whether any node is enabled: the CLI checks the hypervisors by default only then. */
  async hasNodes(): Promise<boolean> {
    const { rows } = await this.db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM provisioning.hypervisor_node WHERE enabled) AS any`,
    );
    return rows[0]?.any ?? false;
  }

  async inspect(graceSeconds: number): Promise<HypervisorInspection> {
    const nodes = (
      await this.db.query<{ id: string; uri: string; storage_pool: string }>(
        `SELECT id, uri, storage_pool FROM provisioning.hypervisor_node
          WHERE enabled AND ($1::text[] IS NULL OR id = ANY($1::text[])) ORDER BY id`,
        [this.options.nodes ?? null],
      )
    ).rows;
    const places = new Map<string, PoolListing>();
    for (const node of nodes) {
      const key = JSON.stringify([node.uri, node.storage_pool]);
      const place = places.get(key) ?? {
        nodes: [],
        uri: node.uri,
        pool: node.storage_pool,
        domains: [],
        volumes: [],
      };
      place.nodes.push(node.id);
      places.set(key, place);
    }
    const domainLists = new Map<string, Promise<string[]>>();
    const listings = await Promise.all(
      [...places.values()].map(async (place): Promise<PoolListing> => {
        try {
          const domains = domainLists.get(place.uri) ?? this.domains(place.uri);
          domainLists.set(place.uri, domains);
          const [d, v] = await Promise.all([domains, this.volumes(place.uri, place.pool)]);
          return { ...place, domains: d, volumes: v };
        } catch (error) {
          return { ...place, error: reasonOf(error) };
        }
      }),
    );
    // Services are read after the listings: one that changes after its objects were listed is within the grace
    // period, whereas reading it first would call a machine built in between an orphan.
    const ids = [
      ...new Set(
        listings.flatMap((l) =>
          [...l.domains, ...l.volumes].flatMap((name) => SERVICE_ID.exec(name)?.[1]?.toLowerCase() ?? []),
        ),
      ),
    ];
    const { rows } = await this.db.query<{
      id: string;
      state: ServiceState;
      node: string | null;
      uri: string | null;
      storage_pool: string | null;
      updated_at: Date;
    }>(
      `SELECT s.id::text AS id, s.state, s.node, n.uri, n.storage_pool, s.updated_at
         FROM provisioning.service s LEFT JOIN provisioning.hypervisor_node n ON n.id = s.node
        WHERE s.id = ANY($1::uuid[]) OR (s.state = ANY($2::text[]) AND s.node = ANY($3::text[]))`,
      [ids, DELIVERED_STATES, nodes.map((n) => n.id)],
    );
    const now = (await this.db.query<{ now: Date }>(`SELECT now() AS now`)).rows[0]?.now ?? new Date();
    const found = hypervisorDisagreements(
      listings,
      rows.map((r) => ({
        id: r.id,
        state: r.state,
        node: r.node,
        uri: r.uri,
        storagePool: r.storage_pool,
        updatedAt: r.updated_at,
      })),
      now,
      graceSeconds * 1000,
    );
    const reachable = listings.filter((l) => l.error === undefined);
    return {
      ...found,
      nodes: nodes.length,
      domains: new Set(reachable.flatMap((l) => l.domains.map((d) => `${l.uri} ${d}`))).size,
      volumes: reachable.reduce((n, l) => n + l.volumes.length, 0),
    };
  }

  private async domains(uri: string): Promise<string[]> {
    return machineNames(await this.virsh.run(uri, ['list', '--all', '--name']), (line) => line);
  }

  /** virsh 9.0's vol-list has no --name: the name is the first column (-q drops the header). */
  private async volumes(uri: string, pool: string): Promise<string[]> {
    return machineNames(await this.virsh.run(uri, ['vol-list', pool]), (line) => line.split(/\s+/)[0] ?? '');
  }
}

function machineNames(listing: string, nameOf: (line: string) => string): string[] {
  return listing
    .split('\n')
    .map((line) => nameOf(line.trim()))
    .filter((name) => name.startsWith(MACHINE_PREFIX));
}

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  formatReport,
  HYPERVISOR_MISSING_CHECK,
  HYPERVISOR_ORPHANS_CHECK,
  HYPERVISOR_UNREACHABLE_CHECK,
  HypervisorInventory,
  Reconciler,
} from '@app/reconcile';
import { deleteVolume, LIBVIRT_POOL, LIBVIRT_URI, requireLibvirt, virsh } from '../support/libvirt.js';

/** Nothing listens on port 1: virsh is refused at once. */
const UNREACHABLE_URI = 'qemu+tcp://127.0.0.1:1/system';
const AGO = `now() - interval '5 minutes'`;

// What the libvirt driver would leave behind, planted straight on the real libvirtd and in the test database: a disk
// and a defined domain no service owns, a domain its active service does own, an active service whose domain is gone,
// and a node nobody can reach. Node rows sharing this libvirtd come and go with other suites, so the inventory is
// pointed at this suite's nodes, and the orphans are read for this suite's ids (other suites' leftovers are theirs).
describe('reconcile against the hypervisors (real libvirtd and PostgreSQL)', () => {
  const run = randomBytes(3).toString('hex');
  const region = `rh-${run}`;
  const node = `rh-${run}-a`;
  const down = `rh-${run}-down`;
  const orphanDisk = randomUUID();
  const orphanDomain = randomUUID();
  const owned = randomUUID();
  const missing = randomUUID();
  const ours = [orphanDisk, orphanDomain, owned, missing];
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });

  /** A domain that is only defined: 64 MiB, no disk, never started. */
  const defineDomain = async (serviceId: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-reconcile-'));
    try {
      const file = join(dir, 'domain.xml');
      await writeFile(
        file,
        `<domain type='qemu'><name>pf-${serviceId}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
          `<os><type>hvm</type></os></domain>`,
      );
      await virsh(['define', file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  /** Undefines a domain this suite may not have got to define. */
  const undefine = (serviceId: string) =>
    virsh(['undefine', `pf-${serviceId}`]).catch((error: unknown) => {
      if (!(error as Error).message.includes('failed to get domain')) {
        throw error;
      }
    });

  const insertNode = (id: string, uri: string) =>
    pool.query(
      `INSERT INTO provisioning.hypervisor_node (id, region, uri, vcpus, memory_mb, disk_gb, storage_pool)
       VALUES ($1, $2, $3, 4, 4096, 100, $4)`,
      [id, region, uri, LIBVIRT_POOL],
    );

  const insertActiveService = (id: string) =>
    pool.query(
      `INSERT INTO provisioning.service (id, tenant_id, order_id, plan_id, region, image, hostname, vcpus, memory_mb,
                                         disk_gb, state, node, attempt, created_at, updated_at, provisioned_at)
       VALUES ($1, $2, $3, $4, $5, 'ubuntu-24.04', 'r.example.com', 1, 512, 10, 'active', $6, 1, ${AGO}, ${AGO},
               ${AGO})`,
      [id, randomUUID(), randomUUID(), randomUUID(), region, node],
    );

  const inventory = () => new HypervisorInventory(pool, { nodes: [node, down] });
  const mine = (rows: string[]) => rows.filter((row) => ours.some((id) => row.includes(id)));

  beforeAll(async () => {
    await requireLibvirt();
    await insertNode(node, LIBVIRT_URI);
    await insertNode(down, UNREACHABLE_URI);
    await virsh(['vol-create-as', LIBVIRT_POOL, `pf-${orphanDisk}-disk.qcow2`, '1M', '--format', 'qcow2']);
    await defineDomain(orphanDomain);
    await defineDomain(owned);
    await insertActiveService(owned);
    await insertActiveService(missing);
  });

  afterAll(async () => {
    // Each step on its own: one that fails must not leave the others' objects behind.
    const steps = [
      () => undefine(orphanDomain),
      () => undefine(owned),
      () => deleteVolume(LIBVIRT_POOL, `pf-${orphanDisk}-disk.qcow2`),
      () => pool.query(`DELETE FROM provisioning.service WHERE id = ANY($1::uuid[])`, [ours]),
      () => pool.query(`DELETE FROM provisioning.hypervisor_node WHERE id = ANY($1::text[])`, [[node, down]]),
    ];
    const failures: unknown[] = [];
    for (const step of steps) {
      await step().catch((error: unknown) => failures.push(error));
    }
    await pool.end();
    if (failures.length > 0) {
      throw new AggregateError(failures, 'cleaning up after reconcile-hypervisors');
    }
  });

  it('names the disk and the domain no service owns, the active service without its domain, the node down', async () => {
    const found = await inventory().inspect(30);
    expect(mine(found.orphans)).toEqual([
      `${node}: pf-${orphanDomain} (no service)`,
      `${node}: pf-${orphanDisk}-disk.qcow2 (no service)`,
    ]);
    expect(found.missing).toEqual([`${node}: pf-${missing} (active)`]);
    expect(found.unreachable).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${down} \\(qemu\\+tcp://127\\.0\\.0\\.1:1/system\\): failed to connect to the hypervisor`,
        ),
      ),
    ]);
    expect(found.nodes).toBe(2);
  });

  it('reports them as findings when asked, and only then', async () => {
    const reconciler = new Reconciler(pool, inventory());
    const options = { prefix: `t.reconcile-hypervisors.${run}.`, graceSeconds: 30, sinceHours: 1 };
    const report = await reconciler.reconcile({ ...options, hypervisors: true });
    const byCheck = (check: string) => report.findings.find((f) => f.check === check);
    expect(byCheck(HYPERVISOR_MISSING_CHECK)).toEqual({
      check: HYPERVISOR_MISSING_CHECK,
      count: 1,
      samples: [`${node}: pf-${missing} (active)`],
    });
    expect(byCheck(HYPERVISOR_UNREACHABLE_CHECK)?.count).toBe(1);
    expect(byCheck(HYPERVISOR_ORPHANS_CHECK)?.count).toBeGreaterThanOrEqual(2);
    expect(report.hypervisors).toMatchObject({ nodes: 2, unreachable: 1 });
    expect(formatReport(report)).toContain('FAIL hypervisor nodes not reachable: 1');

    const without = await reconciler.reconcile(options);
    expect(without.hypervisors).toBeUndefined();
    expect(without.findings.map((f) => f.check)).not.toContain(HYPERVISOR_ORPHANS_CHECK);
  });

  it('checks every enabled node by default from the CLI entry point, not with --no-hypervisors', async () => {
    const base = { databaseUrl: process.env.DATABASE_URL ?? '', prefix: `t.rh.${run}.`, graceSeconds: 30 };
    const report = await Reconciler.run({ ...base, sinceHours: 1 });
    expect(report.hypervisors?.nodes).toBeGreaterThanOrEqual(2);
    expect(report.findings.find((f) => f.check === HYPERVISOR_UNREACHABLE_CHECK)?.samples).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^${down} `))]),
    );
    const skipped = await Reconciler.run({ ...base, sinceHours: 1, hypervisors: false });
    expect(skipped.hypervisors).toBeUndefined();
  });

  it('leaves a service that just changed alone (a build or a release in flight)', async () => {
    await pool.query(`UPDATE provisioning.service SET updated_at = now() WHERE id = $1`, [missing]);
    expect((await inventory().inspect(30)).missing).toEqual([]);
  });
});

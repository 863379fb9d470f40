import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { EventData, EventType } from '@app/contracts';
import { encodeEnvelope, EventProducer } from '@app/messaging';
import { Clock, createPlatformApp, TestClock } from '@app/platform';
import { SubscriptionTimersService } from '@app/billing';
import { MONOLITH } from '../../src/app.module.js';
import { orderEvents } from '../support/event-log.js';
import { closeIsolatedApp, dropOutboxRows, uniquePrefix } from '../support/isolation.js';
import { domainState, poolVolumes, readSeedFile, volumeBacking } from '../support/libvirt.js';
import { freePort, spawnNode, waitFor } from '../support/processes.js';
import { Storefront } from '../support/storefront.js';

const POOL = process.env.LIBVIRT_POOL ?? 'platforma';
const IMAGE = 'ubuntu-24.04';
const BASE_VOLUME = `base-${IMAGE}.qcow2`;
const DAY = 86_400_000;
const MINUTE = 60_000;
const SEED_TTL_SECONDS = 20;
const bearer = { type: 'bearer' } as const;

interface Customer {
  accountId: string;
  token: string;
}
interface Order {
  id: string;
  status: string;
  serviceId: string | null;
}
interface Service {
  id: string;
  state: string;
  addresses: { ipv4: string | null; ipv6: string | null };
  credentialsRetrievable: boolean;
}
interface Subscription {
  id: string;
  status: string;
  currentPeriod: { start: string; end: string };
}
interface Invoice {
  id: string;
  status: string;
  payments?: { status: string }[];
}
interface Lease {
  address: string;
  family: number;
  service_id: string | null;
}

const domainOf = (serviceId: string) => `pf-${serviceId}`;
const diskOf = (serviceId: string) => `pf-${serviceId}-disk.qcow2`;
const seedOf = (serviceId: string) => `pf-${serviceId}-seed.iso`;
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

// The whole path of a VPS on a real libvirtd with QEMU (TCG): the saga orders it, placement picks a node and leases
// addresses from the region's pools, the libvirt driver builds an overlay, a cloud-init seed and a domain; customer
// actions, recurring billing's suspension and termination and a SIGKILL mid-build act on the same real domain.
describe('provisioning on libvirt/QEMU (monolith, real Kafka, PostgreSQL and libvirtd)', () => {
  const prefix = uniquePrefix('libvirt');
  const run = randomBytes(2).toString('hex');
  const region = `lv-${run}`;
  const octets = `${10}.${randomBytes(1)[0] ?? 0}.${randomBytes(1)[0] ?? 0}`;
  const v6 = `fd${randomBytes(1).toString('hex')}:${run}`;
  const nodeA = `lv-${run}-a`;
  const nodeB = `lv-${run}-b`;
  let app: INestApplication;
  let db: DataSource;
  let shop: Storefront;
  let admin: string;
  let clock: TestClock;
  const plans = { small: '', huge: '' };
  /** Services the suite built, released at the end whatever happened. */
  const built = new Set<string>();

  beforeAll(async () => {
    app = await createPlatformApp(MONOLITH, {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_DRIVER: 'libvirt',
      PROVISIONING_SEED_TTL_SECONDS: String(SEED_TTL_SECONDS),
      CLOCK_MODE: 'test',
      RENEWAL_LEAD_DAYS: '7',
      SUSPEND_AFTER_DAYS: '7',
      TERMINATE_AFTER_DAYS: '30',
    });
    await app.init();
    db = app.get(DataSource);
    shop = new Storefront(app);
    const movable = app.get(Clock);
    if (!(movable instanceof TestClock)) {
      throw new Error('CLOCK_MODE=test did not give the app a TestClock');
    }
    clock = movable;
    admin = await shop.adminToken();
    // A region of this run's own (the catalog has no admin API for regions; they are reference data).
    await db.query(`INSERT INTO catalog.region (code, name, images) VALUES ($1, 'libvirt suite', $2)`, [
      region,
      [IMAGE, 'debian-12'],
    ]);
    await addNode(nodeA, 256, { [IMAGE]: BASE_VOLUME });
    await addRange(`${octets}.10`, `${octets}.17`, 24, `${octets}.1`);
    await addRange(`${v6}::10`, `${v6}::17`, 64, `${v6}::1`);
    const plan = (name: string, memoryMb: number) =>
      shop.publishPlan(admin, {
        name,
        vcpus: 1,
        memoryMb,
        diskGb: 1,
        regions: [region],
        prices: [{ billingCycle: 'monthly', amountMinor: 500, currency: 'EUR' }],
      });
    plans.small = (await plan('Tiny', 256)).id;
    plans.huge = (await plan('Too big for any node', 65_536)).id;
    await shop.planKnown(plans.small);
    await shop.planKnown(plans.huge);
  }, 120_000);

  afterAll(async () => {
    for (const serviceId of built) {
      await release(serviceId).catch(() => undefined);
    }
    await db.query('DELETE FROM catalog.region WHERE code = $1', [region]);
    await closeIsolatedApp(app, prefix);
  }, 120_000);

  // ---- admin and storefront ---------------------------------------------------------------------------------

  async function addNode(id: string, memoryMb: number, images: Record<string, string>): Promise<void> {
    await shop.http
      .post('/v1/admin/nodes')
      .auth(admin, bearer)
      .send({ id, region, uri: 'qemu:///system', vcpus: 4, memoryMb, diskGb: 20, storagePool: POOL, images })
      .expect(201);
  }

  async function addRange(first: string, last: string, prefixLength: number, gateway: string): Promise<void> {
    await shop.http
      .post('/v1/admin/ip-pools')
      .auth(admin, bearer)
      .send({ region, first, last, prefix: prefixLength, gateway, dns: ['192.0.2.53'] })
      .expect(201);
  }

  /** The roomy second node: its debian-12 names a volume the pool does not have. */
  async function ensureNodeB(): Promise<void> {
    const known = await shop.http.get(`/v1/admin/nodes/${nodeB}`).auth(admin, bearer);
    if (known.status === 404) {
      await addNode(nodeB, 2_048, { [IMAGE]: BASE_VOLUME, 'debian-12': 'no-such-volume.qcow2' });
    }
  }

  async function customer(): Promise<Customer> {
    return shop.customer();
  }

  async function order(c: Customer, planId: string, image = IMAGE): Promise<{ orderId: string }> {
    const placed = await shop.http
      .post('/v1/orders')
      .auth(c.token, bearer)
      .send(shop.orderBody(planId, { region, image }))
      .expect(201);
    const orderId = (placed.body as Order).id;
    const invoice = await shop.invoiceOf(c.token, orderId);
    await shop.http
      .post(`/v1/invoices/${invoice.id}/pay`)
      .auth(c.token, bearer)
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    return { orderId };
  }

  const orderReaches = (c: Customer, orderId: string, status: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const o = (await shop.http.get(`/v1/orders/${orderId}`).auth(c.token, bearer)).body as Order;
        return o.status === status ? o : undefined;
      },
      `order ${orderId} ${status}`,
      timeoutMs,
      200,
    );

  async function delivered(
    c: Customer,
    planId = plans.small,
  ): Promise<{ orderId: string; serviceId: string }> {
    const { orderId } = await order(c, planId);
    const done = await orderReaches(c, orderId, 'completed');
    if (!done.serviceId) {
      throw new Error(`order ${orderId} completed without a service`);
    }
    built.add(done.serviceId);
    return { orderId, serviceId: done.serviceId };
  }

  const service = async (c: Customer, serviceId: string) =>
    (await shop.http.get(`/v1/services/${serviceId}`).auth(c.token, bearer).expect(200)).body as Service;

  const leases = (serviceId: string) =>
    db.query<Lease[]>(
      `SELECT host(address) AS address, family, service_id FROM provisioning.ip_address
       WHERE service_id = $1 ORDER BY family`,
      [serviceId],
    );

  const placedOn = async (serviceId: string) =>
    (
      await db.query<{ node: string | null }[]>('SELECT node FROM provisioning.service WHERE id = $1', [
        serviceId,
      ])
    )[0]?.node;

  /** Volumes and domain the service left on the node. */
  async function leftovers(serviceId: string): Promise<{ domain: string | null; volumes: string[] }> {
    const volumes = (await poolVolumes(POOL)).filter((v) => v.startsWith(`pf-${serviceId}`));
    return { domain: await domainState(domainOf(serviceId)), volumes };
  }

  async function action(c: Customer, serviceId: string, kind: string): Promise<void> {
    const accepted = await shop.http
      .post(`/v1/services/${serviceId}/actions`)
      .auth(c.token, bearer)
      .send({ action: kind })
      .expect(202);
    const { id } = accepted.body as { id: string };
    await waitFor(
      async () => {
        const r = await shop.http.get(`/v1/services/${serviceId}/actions/${id}`).auth(c.token, bearer);
        const status = (r.body as { status: string }).status;
        if (status === 'failed') {
          throw new Error(`${kind} failed: ${JSON.stringify(r.body)}`);
        }
        return status === 'completed' ? true : undefined;
      },
      `${kind} of ${serviceId}`,
      60_000,
      200,
    );
  }

  /** What the saga would send: the service's release, straight onto the topic provisioning consumes. */
  async function publish<T extends EventType>(
    topicPrefix: string,
    type: T,
    tenantId: string,
    data: EventData<T>,
  ): Promise<void> {
    const envelope = {
      id: uuidv7(),
      type,
      specversion: '1.0' as const,
      source: 'saga',
      time: new Date().toISOString(),
      subject: (data as { serviceId: string }).serviceId,
      version: 1,
      tenantid: tenantId,
      correlationid: randomUUID(),
      datacontenttype: 'application/json' as const,
      data,
    };
    await app
      .get(EventProducer)
      .send([{ topic: `${topicPrefix}${type}`, ...encodeEnvelope(envelope as never) }]);
  }

  async function release(serviceId: string, topicPrefix = prefix): Promise<void> {
    const rows = await db.query<{ tenant_id: string; order_id: string }[]>(
      'SELECT tenant_id, order_id FROM provisioning.service WHERE id = $1',
      [serviceId],
    );
    const row = rows[0];
    if (!row) {
      return;
    }
    await publish(topicPrefix, 'provisioning.release_requested', row.tenant_id, {
      serviceId,
      orderId: row.order_id,
      reason: 'compensation',
    });
    await waitFor(
      async () => ((await leftovers(serviceId)).domain === null ? true : undefined),
      `the machine of ${serviceId} gone`,
      60_000,
      200,
    );
  }

  // ---- the build ---------------------------------------------------------------------------------------------

  it('builds an order into a running domain: an overlay of the base image, a seed with the hostname and the leased addresses', async () => {
    const c = await customer();
    const { serviceId } = await delivered(c);
    expect(await placedOn(serviceId)).toBe(nodeA);
    expect(await domainState(domainOf(serviceId))).toBe('running');
    const backing = await volumeBacking(POOL, diskOf(serviceId));
    expect(backing).toMatch(new RegExp(`/${BASE_VOLUME.replace(/\./g, '\\.')}$`));

    const owned = await leases(serviceId);
    expect(owned.map((l) => l.family)).toEqual([4, 6]);
    const [ipv4, ipv6] = owned.map((l) => l.address);
    const view = await service(c, serviceId);
    expect(view).toMatchObject({ state: 'active', addresses: { ipv4, ipv6 }, credentialsRetrievable: true });

    const userData = await readSeedFile(POOL, seedOf(serviceId), 'user-data');
    const metaData = await readSeedFile(POOL, seedOf(serviceId), 'meta-data');
    const network = await readSeedFile(POOL, seedOf(serviceId), 'network-config');
    const hostname = (
      await db.query<{ hostname: string }[]>('SELECT hostname FROM provisioning.service WHERE id = $1', [
        serviceId,
      ])
    )[0]?.hostname;
    expect(metaData).toContain(hostname?.split('.')[0]);
    expect(userData).toContain(hostname);
    expect(userData).toMatch(/\$6\$/);
    expect(network).toContain(`${ipv4}/24`);
    expect(network).toContain(`${octets}.1`);
    expect(network).toContain(`${ipv6}/64`);

    // The password is the customer's, once; the seed holds only its hash.
    const credentials = await shop.http
      .post(`/v1/services/${serviceId}/credentials`)
      .auth(c.token, bearer)
      .expect(200);
    const { password } = credentials.body as { password: string };
    expect(userData).not.toContain(password);

    // The seed is deleted once the guest had time to read it.
    await waitFor(
      async () => ((await poolVolumes(POOL)).includes(seedOf(serviceId)) ? undefined : true),
      'the first-boot seed removed',
      (SEED_TTL_SECONDS + 30) * 1_000,
      500,
    );
    expect(await domainState(domainOf(serviceId))).toBe('running');
  }, 180_000);

  it('places the build on the node with room when the other is full', async () => {
    await ensureNodeB();
    const c = await customer();
    // The first test's machine fills node A (256 MB).
    const { serviceId } = await delivered(c);
    expect(await placedOn(serviceId)).toBe(nodeB);
    const nodes = (await shop.http.get('/v1/admin/nodes').auth(admin, bearer).expect(200)).body as {
      items?: { id: string }[];
    };
    expect(JSON.stringify(nodes)).toContain(nodeB);
    await release(serviceId);
    expect(await leases(serviceId)).toEqual([]);
  }, 180_000);

  it('changes the real domain on each customer action; reinstall rebuilds the disk with new credentials', async () => {
    const c = await customer();
    const other = await customer();
    const { serviceId } = await delivered(c);
    await shop.http
      .post(`/v1/services/${serviceId}/actions`)
      .auth(other.token, bearer)
      .send({ action: 'power_off' })
      .expect(404);

    await action(c, serviceId, 'power_off');
    expect(await domainState(domainOf(serviceId))).toBe('shut off');
    await action(c, serviceId, 'power_on');
    expect(await domainState(domainOf(serviceId))).toBe('running');
    await action(c, serviceId, 'reboot');
    expect(await domainState(domainOf(serviceId))).toBe('running');

    const first = await shop.http
      .post(`/v1/services/${serviceId}/credentials`)
      .auth(c.token, bearer)
      .expect(200);
    await action(c, serviceId, 'reinstall');
    expect(await domainState(domainOf(serviceId))).toBe('running');
    expect(await volumeBacking(POOL, diskOf(serviceId))).toMatch(/base-ubuntu-24\.04\.qcow2$/);
    const second = await shop.http
      .post(`/v1/services/${serviceId}/credentials`)
      .auth(c.token, bearer)
      .expect(200);
    expect((second.body as { password: string }).password).not.toBe(
      (first.body as { password: string }).password,
    );
    const userData = await readSeedFile(POOL, seedOf(serviceId), 'user-data');
    expect(userData).not.toContain((second.body as { password: string }).password);
    await release(serviceId);
  }, 240_000);

  it('fails an order no node has room for: compensations refund it, nothing is left and no address is held', async () => {
    const c = await customer();
    const { orderId } = await order(c, plans.huge);
    await orderReaches(c, orderId, 'cancelled');
    const events = await waitFor(async () => {
      const log = await orderEvents(db, orderId);
      return log.some((e) => e.type === 'payment.refunded') ? log : undefined;
    }, `the refund of order ${orderId}`);
    expect(events.find((e) => e.type === 'provisioning.failed')?.data).toMatchObject({
      step: 'allocating',
      reason: 'no_capacity',
    });
    expect(events.filter((e) => e.type === 'payment.refunded')).toHaveLength(1);
    const rows = await db.query<{ id: string; node: string | null; state: string }[]>(
      'SELECT id, node, state FROM provisioning.service WHERE order_id = $1',
      [orderId],
    );
    expect(rows).toEqual([{ id: expect.any(String) as string, node: null, state: 'released' }]);
    const serviceId = rows[0]?.id ?? '';
    expect(await leases(serviceId)).toEqual([]);
    expect(await leftovers(serviceId)).toEqual({ domain: null, volumes: [] });
  }, 120_000);

  it('gives the addresses back when a placed build fails on the node (no base image there)', async () => {
    await ensureNodeB();
    const c = await customer();
    const { orderId } = await order(c, plans.small, 'debian-12');
    await orderReaches(c, orderId, 'cancelled');
    const events = await orderEvents(db, orderId);
    // Placed (started names node B, the only one offering debian-12), then refused by the node itself.
    expect(events.find((e) => e.type === 'provisioning.started')?.data).toMatchObject({ node: nodeB });
    expect(events.find((e) => e.type === 'provisioning.failed')?.data).toMatchObject({
      step: 'allocating',
      reason: 'image_unavailable',
    });
    const rows = await db.query<{ id: string }[]>('SELECT id FROM provisioning.service WHERE order_id = $1', [
      orderId,
    ]);
    const serviceId = rows[0]?.id ?? '';
    expect(await leases(serviceId)).toEqual([]);
    expect(await leftovers(serviceId)).toEqual({ domain: null, volumes: [] });
    const held = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM provisioning.node_reservation WHERE service_id = $1`,
      [serviceId],
    );
    expect(Number(held[0]?.n)).toBe(0);
  }, 120_000);

  it('suspends, unsuspends and terminates the real domain as recurring billing decides', async () => {
    const timers = app.get(SubscriptionTimersService);
    const c = await customer();
    const kept = await delivered(c);
    const dropped = await delivered(c);
    const subscriptionOf = async (serviceId: string) =>
      (await shop.http.get(`/v1/subscriptions/${serviceId}`).auth(c.token, bearer).expect(200))
        .body as Subscription;
    const subs = [await subscriptionOf(kept.serviceId), await subscriptionOf(dropped.serviceId)];
    const ids = subs.map((s) => s.id);
    const travel = async (to: Date) => {
      clock.moveTo(to);
      await waitFor(async () => {
        while (await timers.fireDue()) {
          // fire everything due
        }
        const rows = await db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM billing.subscription_timer
           WHERE subscription_id = ANY($1::uuid[]) AND status = 'pending' AND due_at <= $2`,
          [ids, clock.now()],
        );
        return Number(rows[0]?.n) === 0 ? true : undefined;
      }, 'the due subscription timers');
    };
    const end = subs[0]?.currentPeriod.end ?? '';
    const stateIs = (serviceId: string, state: string) =>
      waitFor(
        async () => ((await service(c, serviceId)).state === state ? true : undefined),
        `service ${serviceId} ${state}`,
        60_000,
        200,
      );

    await travel(shift(end, 7 * DAY + MINUTE));
    await stateIs(kept.serviceId, 'suspended');
    await stateIs(dropped.serviceId, 'suspended');
    expect(await domainState(domainOf(kept.serviceId))).toBe('shut off');
    expect(await domainState(domainOf(dropped.serviceId))).toBe('shut off');

    const renewal = await waitFor(async () => {
      const r = await shop.http
        .get(`/v1/invoices?orderId=${kept.orderId}&kind=renewal`)
        .auth(c.token, bearer);
      return (r.body as { items: Invoice[] }).items.find((i) => i.status === 'open');
    }, 'the renewal invoice');
    await shop.http
      .post(`/v1/invoices/${renewal.id}/pay`)
      .auth(c.token, bearer)
      .send({ paymentToken: 'tok_success' })
      .expect(200);
    await stateIs(kept.serviceId, 'active');
    expect(await domainState(domainOf(kept.serviceId))).toBe('running');

    const droppedLeases = await leases(dropped.serviceId);
    expect(droppedLeases).toHaveLength(2);
    await travel(shift(end, 30 * DAY + MINUTE));
    await stateIs(dropped.serviceId, 'released');
    expect(await leftovers(dropped.serviceId)).toEqual({ domain: null, volumes: [] });
    expect(await leases(dropped.serviceId)).toEqual([]);
    expect(await domainState(domainOf(kept.serviceId))).toBe('running');
    await db.query(
      `UPDATE billing.subscription_timer SET status = 'cancelled', outcome = 'test_over'
       WHERE subscription_id = ANY($1::uuid[]) AND status = 'pending'`,
      [ids],
    );
    await release(kept.serviceId);
  }, 300_000);

  // The killed app is a second process on the suite's database: after the kill, the restarted app or the suite's
  // own picks the build job up when its lease ends, as replicas of one environment do.
  it('resumes a build after the app is SIGKILLed mid-build: one domain, one disk, one address of each family', async () => {
    const childPrefix = uniquePrefix('libvirt-kill');
    const port = await freePort();
    const env = {
      KAFKA_TOPIC_PREFIX: childPrefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      PROVISIONING_DRIVER: 'libvirt',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const start = async () => {
      const proc = spawnNode('dist/src/main.js', env);
      await waitFor(
        async () => ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok ? true : undefined),
        'the killed app ready again',
        90_000,
        250,
      );
      return proc;
    };
    let proc = await start();
    const tenant = randomUUID();
    const serviceId = randomUUID();
    built.add(serviceId);
    try {
      await publish(childPrefix, 'provisioning.requested', tenant, {
        serviceId,
        orderId: randomUUID(),
        accountId: tenant,
        planId: plans.small,
        region,
        image: IMAGE,
        hostname: `kill-${run}.example.com`,
        resources: { vcpus: 1, memoryMb: 256, diskGb: 1 },
      });
      // Killed as soon as the hypervisor holds something of the machine and the build is not over.
      await waitFor(
        async () => {
          const { volumes } = await leftovers(serviceId);
          return volumes.length > 0 ? true : undefined;
        },
        'the build under way on the node',
        60_000,
        20,
      );
      proc.child.kill('SIGKILL');
      await proc.exited;
      proc = await start();
      await waitFor(
        async () => {
          const rows = await db.query<{ state: string }[]>(
            'SELECT state FROM provisioning.service WHERE id = $1',
            [serviceId],
          );
          return rows[0]?.state === 'active' ? true : undefined;
        },
        'the build resumed and finished',
        90_000,
        250,
      );
      expect(await domainState(domainOf(serviceId))).toBe('running');
      // One disk, and at most the seed besides: when the suite's app resumed the build, the seed goes after its
      // 20 s PROVISIONING_SEED_TTL_SECONDS, which may be over by now.
      const { volumes } = await leftovers(serviceId);
      expect(volumes.filter((v) => v !== seedOf(serviceId))).toEqual([diskOf(serviceId)]);
      expect((await leases(serviceId)).map((l) => l.family)).toEqual([4, 6]);
      const reservations = await db.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM provisioning.node_reservation WHERE service_id = $1',
        [serviceId],
      );
      expect(Number(reservations[0]?.n)).toBe(1);
      await release(serviceId, childPrefix);
      expect(await leases(serviceId)).toEqual([]);
    } catch (error) {
      throw new Error(`${String(error)}\n${proc.output().slice(-3_000)}`);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await dropOutboxRows((db.options as { url?: string }).url ?? '', childPrefix);
    }
  }, 300_000);
});

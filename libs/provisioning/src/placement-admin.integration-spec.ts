import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import {
  AppConfig,
  type AuthenticatedRequest,
  PROBLEM_CONTENT_TYPE,
  ProblemFilter,
  type ProblemDetails,
} from '@app/platform';
import { HypervisorNode } from './entities/hypervisor-node.entity.js';
import { IpAddress } from './entities/ip-address.entity.js';
import { IpPool } from './entities/ip-pool.entity.js';
import { NodeReservation } from './entities/node-reservation.entity.js';
import { HypervisorNodesController } from './hypervisor-nodes.controller.js';
import { HypervisorNodesService } from './hypervisor-nodes.service.js';
import type { IpPoolView } from './ip-pool.view.js';
import { IpPoolsController } from './ip-pools.controller.js';
import { IpPoolsService } from './ip-pools.service.js';
import { NodePlacementService } from './node-placement.service.js';
import { PlacementSeederService } from './placement-seeder.service.js';
import { PlacementRepository } from './placement.repository.js';

// The admin API of nodes and IP pools over HTTP, with the platform's validation pipe and problem+json filter, on the
// real test database. Authentication is the platform's (its guard enforces @Roles); here an admin principal is set.
describe('admin API of nodes and IP pools', () => {
  const run = randomBytes(4).toString('hex');
  const region = `t-padmin-${run}`;
  const db = new DataSource({
    ...dataSourceOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 4, logging: false }),
    entities: [HypervisorNode, NodeReservation, IpPool, IpAddress],
  });
  const repository = new PlacementRepository(db);
  const admin = { tenantId: randomUUID(), userId: randomUUID(), role: 'admin' as const };
  let app: INestApplication;
  const http = () => request(app.getHttpServer() as Server);

  const node = {
    id: `${region}-n1`,
    region,
    uri: 'qemu+ssh://platforma@kvm01.example.net/system',
    vcpus: 8,
    cpuOvercommit: 1.5,
    memoryMb: 16_384,
    diskGb: 400,
    storagePool: 'platforma',
    bridge: 'br0',
    images: { 'debian-12': 'debian-12.qcow2' },
  };
  const subnet = `10.${randomInt(256)}.${randomInt(256)}`;
  const range = { region, first: `${subnet}.10`, last: `${subnet}.19`, prefix: 24, gateway: `${subnet}.1` };

  beforeAll(async () => {
    await db.initialize();
    const moduleRef = await Test.createTestingModule({
      controllers: [HypervisorNodesController, IpPoolsController],
      providers: [
        HypervisorNodesService,
        IpPoolsService,
        { provide: PlacementRepository, useValue: repository },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use((req: Request, _res: Response, next: NextFunction) => {
      (req as AuthenticatedRequest).principal = admin;
      next();
    });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await db.query(`DELETE FROM provisioning.node_reservation WHERE node_id LIKE $1`, [`${region}%`]);
    await db.query(`DELETE FROM provisioning.hypervisor_node WHERE region = $1`, [region]);
    await db.query(`DELETE FROM provisioning.ip_pool WHERE region = $1`, [region]);
    await db.destroy();
  });

  it('is for administrators only', () => {
    for (const controller of [HypervisorNodesController, IpPoolsController]) {
      expect(Reflect.getMetadata('platforma:roles', controller)).toEqual(['admin']);
    }
  });

  it('creates, lists, changes and deletes a node', async () => {
    const created = await http().post('/v1/admin/nodes').send(node).expect(201);
    expect(created.body).toMatchObject({
      id: node.id,
      capacity: { vcpus: 8, cpuOvercommit: 1.5, schedulableVcpus: 12, memoryMb: 16_384, diskGb: 400 },
      used: { vcpus: 0, memoryMb: 0, diskGb: 0 },
      free: { vcpus: 12, memoryMb: 16_384, diskGb: 400 },
      enabled: true,
      reservations: 0,
    });

    const list = await http().get('/v1/admin/nodes').query({ region }).expect(200);
    expect(list.body).toMatchObject([{ id: node.id, region }]);

    const changed = await http()
      .patch(`/v1/admin/nodes/${node.id}`)
      .send({ enabled: false, vcpus: 16, images: { 'debian-12': 'debian-12-v2.qcow2' } })
      .expect(200);
    expect(changed.body).toMatchObject({
      enabled: false,
      capacity: { vcpus: 16, schedulableVcpus: 24 },
      images: { 'debian-12': 'debian-12-v2.qcow2' },
      uri: node.uri,
    });

    const duplicate = await http().post('/v1/admin/nodes').send(node).expect(409);
    expect(duplicate.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(duplicate.body).toMatchObject({ code: 'hypervisor-node-exists', status: 409 });

    await http().delete(`/v1/admin/nodes/${node.id}`).expect(204);
    const gone = await http().get(`/v1/admin/nodes/${node.id}`).expect(404);
    expect(gone.body).toMatchObject({ code: 'hypervisor-node-not-found' });
  });

  it('refuses a bad node with the fields that are wrong', async () => {
    const bad = await http()
      .post('/v1/admin/nodes')
      .send({ ...node, id: `${region}-bad`, uri: 'qemu+tcp://kvm01/system', cpuOvercommit: 0.5, extra: 1 })
      .expect(400);
    const problem = bad.body as ProblemDetails;
    expect(problem.code).toBe('validation-failed');
    expect((problem.errors ?? []).map((e) => e.field).sort()).toEqual(['cpuOvercommit', 'property', 'uri']);
    await http().patch(`/v1/admin/nodes/${node.id}`).send({ uri: 'qemu:///system' }).expect(400);
  });

  it('adds, lists and deletes address ranges; refuses unusable and overlapping ones', async () => {
    const added = await http()
      .post('/v1/admin/ip-pools')
      .send({ ...range, dns: ['1.1.1.1'] })
      .expect(201);
    expect(added.body).toMatchObject({
      ...range,
      family: 4,
      dns: ['1.1.1.1'],
      size: 10,
      leased: 0,
      free: 10,
    });

    const overlap = await http()
      .post('/v1/admin/ip-pools')
      .send({ ...range, first: `${subnet}.15`, last: `${subnet}.30` })
      .expect(409);
    expect(overlap.body).toMatchObject({ code: 'ip-range-overlaps' });
    const poolId = (added.body as IpPoolView).id;
    expect((overlap.body as ProblemDetails).detail).toContain(poolId);

    const tooLarge = await http()
      .post('/v1/admin/ip-pools')
      .send({ region, first: '10.0.0.1', last: '10.1.0.1', prefix: 8, gateway: '10.255.255.254' })
      .expect(422);
    expect(tooLarge.body).toMatchObject({ code: 'ip-range-too-large' });
    const gateway = await http()
      .post('/v1/admin/ip-pools')
      .send({ ...range, gateway: `${subnet}.12` })
      .expect(422);
    expect(gateway.body).toMatchObject({
      code: 'ip-range-invalid',
      detail: 'the gateway must not be inside the range',
    });

    // A leased address keeps its pool; the node holding the machine is kept too.
    await http().post('/v1/admin/nodes').send(node).expect(201);
    const serviceId = randomUUID();
    await db.transaction((tx) =>
      new NodePlacementService(repository).reserve(tx, randomUUID(), {
        serviceId,
        region,
        image: 'debian-12',
        hostname: 'vm.example.com',
        resources: { vcpus: 2, memoryMb: 2048, diskGb: 40 },
        attempt: 1,
      }),
    );
    const pools = await http().get('/v1/admin/ip-pools').query({ region }).expect(200);
    expect(pools.body).toMatchObject([{ id: poolId, leased: 1, free: 9 }]);
    const inUse = await http().delete(`/v1/admin/ip-pools/${poolId}`).expect(409);
    expect(inUse.body).toMatchObject({ code: 'ip-pool-in-use' });
    const held = await http().delete(`/v1/admin/nodes/${node.id}`).expect(409);
    expect(held.body).toMatchObject({ code: 'hypervisor-node-has-reservations' });
    const shrink = await http().patch(`/v1/admin/nodes/${node.id}`).send({ memoryMb: 1024 }).expect(409);
    expect(shrink.body).toMatchObject({ code: 'hypervisor-node-capacity-below-use' });

    await db.transaction((tx) => new NodePlacementService(repository).free(tx, serviceId));
    await http().delete(`/v1/admin/ip-pools/${poolId}`).expect(204);
    await http().delete(`/v1/admin/ip-pools/${poolId}`).expect(404);
    await http().delete(`/v1/admin/nodes/${node.id}`).expect(204);
  });

  it('seeds missing nodes and ranges from the config at every boot, and changes nothing that exists', async () => {
    const seeded = { ...node, id: `${region}-seeded` };
    const config = Object.assign(new AppConfig(), {
      PROVISIONING_NODES: JSON.stringify([seeded]),
      PROVISIONING_IP_POOLS: JSON.stringify([
        range,
        { ...range, first: `${subnet}.12`, last: `${subnet}.40` },
      ]),
    });
    const seeder = new PlacementSeederService(
      config,
      new HypervisorNodesService(repository),
      new IpPoolsService(repository),
    );
    await seeder.onApplicationBootstrap();
    await http().patch(`/v1/admin/nodes/${seeded.id}`).send({ vcpus: 4 }).expect(200);
    await seeder.onApplicationBootstrap();

    const nodes = await http().get('/v1/admin/nodes').query({ region }).expect(200);
    expect(nodes.body).toMatchObject([{ id: seeded.id, capacity: { vcpus: 4 } }]);
    const pools = await http().get('/v1/admin/ip-pools').query({ region }).expect(200);
    expect(pools.body).toMatchObject([{ first: range.first, last: range.last, size: 10 }]);
  });
});

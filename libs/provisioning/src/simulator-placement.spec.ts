import { randomUUID } from 'node:crypto';
import type { MachineSpec, PlacementTx } from './driver/provisioning.driver.js';
import { simulatedNode } from './driver/simulator.driver.js';
import { SimulatorPlacement } from './simulator-placement.js';

describe(SimulatorPlacement.name, () => {
  const spec: MachineSpec = {
    serviceId: randomUUID(),
    region: 'eu-central-1',
    image: 'debian-12',
    hostname: 'web-01.example.com',
    resources: { vcpus: 2, memoryMb: 4096, diskGb: 80 },
    attempt: 1,
  };
  // The simulator needs no database: it must not touch the transaction it is handed.
  const tx = new Proxy({} as PlacementTx, {
    get: () => {
      throw new Error('the simulator touched the transaction');
    },
  });

  it("places every machine on its region's simulated node and leaves the addresses to the driver", async () => {
    await expect(new SimulatorPlacement().reserve(tx, randomUUID(), spec)).resolves.toEqual({
      node: simulatedNode('eu-central-1'),
      network: null,
    });
  });

  it('frees nothing', async () => {
    await expect(new SimulatorPlacement().free(tx, spec.serviceId)).resolves.toBeUndefined();
  });
});

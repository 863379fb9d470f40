import type { MachineSpec, Placement, PlacementTx, Reservation } from './driver/provisioning.driver.js';
import { simulatedNode } from './driver/simulator.driver.js';

/** Goes with the simulator driver: every region has room, on its one simulated node, and brings its own addresses. */
export class SimulatorPlacement implements Placement {
  reserve(_tx: PlacementTx, _tenantId: string, spec: MachineSpec): Promise<Reservation | null> {
    return Promise.resolve({ node: simulatedNode(spec.region), network: null });
  }

  free(_tx: PlacementTx, _serviceId: string): Promise<void> {
    return Promise.resolve();
  }

  resize(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

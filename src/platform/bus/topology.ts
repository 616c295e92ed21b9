import { consumers, productEvents } from '../../workloads/consumers.ts';
import { buildTopology } from './build-topology.ts';
import type { Topology } from './topology-types.ts';

/**
 * The one declaration of regi's event topology: topics from the product's event families, one queue
 * per worker subscribed to exactly the types its handlers consume. The `sql` bus, `regi bus
 * provision` (and the emulator in tests) and the Copilot manifest checks all read this.
 */
export const topology: Topology = buildTopology(productEvents, consumers);

/** The twelve workloads (DESIGN.md §1). These names are also the Copilot service and job names. */
export const workloadNames = [
  'pos-web-app',
  'ec-web-app',
  'backend-outbox',
  'worker-item',
  'worker-product',
  'worker-transaction',
  'worker-ec-order',
  'worker-external-ec',
  'worker-scheduled',
  'worker-notification',
  'job-daily-calculate',
  'job-ensure-consistency',
] as const;

export type WorkloadName = (typeof workloadNames)[number];

export function isWorkloadName(name: string): name is WorkloadName {
  return (workloadNames as readonly string[]).includes(name);
}

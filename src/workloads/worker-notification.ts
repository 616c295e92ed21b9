import { defineWorker } from '../platform/runtime/workload.ts';

export default defineWorker({
  name: 'worker-notification',
  description: 'E-mail, Slack webhooks and in-app notices.',
  handlers: [],
});

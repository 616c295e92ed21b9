import { defineWorker } from '../platform/runtime/workload.ts';
import { consumers } from './consumers.ts';

export default defineWorker({
  name: 'worker-notification',
  description: 'E-mail, Slack webhooks and in-app notices.',
  handlers: consumers['worker-notification'],
});

export { events, notificationRequested } from './events.ts';
export { handlers } from './handlers.ts';
export { notifyOwners, requestNotification, type NotificationRequest } from './request.ts';
export { notificationRoutes } from './routes.ts';
export { cleanupNotifications } from './scheduled.ts';
export { templates } from './templates.ts';
import './tables.ts';

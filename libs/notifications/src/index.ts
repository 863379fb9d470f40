import { NOTIFICATIONS } from './notifications.domain.js';
import { NotificationsModule } from './notifications.module.js';

export { NOTIFICATIONS, NotificationsModule };
export const notificationsDomain = { domain: NOTIFICATIONS, module: NotificationsModule };

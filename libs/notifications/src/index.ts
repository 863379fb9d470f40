import { NOTIFICATIONS } from './notifications.domain.js';
import { NotificationsModule } from './notifications.module.js';

export { NOTIFICATIONS, NotificationsModule };
export {
  caughtMailId,
  createMailSink,
  startDevMailCatcher,
  type SunkMail,
} from './dev-mail/dev-mail-catcher.js';
export { mailBodies, type MailBodies } from './dev-mail/mail-bodies.js';
export const notificationsDomain = { domain: NOTIFICATIONS, module: NotificationsModule };

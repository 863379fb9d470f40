export { mailBodies, type MailBodies } from '@app/notifications';

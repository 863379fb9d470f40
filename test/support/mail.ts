export { mailBodies, type MailBodies } from '../../src/cli/mail-bodies.js';

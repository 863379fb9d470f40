export { Clock, SystemClock, TestClock } from './clock.js';
export { ClockModule } from './clock.module.js';
export { DuePoller, type DuePollerOptions } from './due-poller.js';

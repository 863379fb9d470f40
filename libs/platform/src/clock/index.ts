export { Clock, SystemClock, TestClock } from './clock.js';
export { ClockModule } from './clock.module.js';
export { type DueRun, DuePoller, type DuePollerOptions } from './due-poller.js';

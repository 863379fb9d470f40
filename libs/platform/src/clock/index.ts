export { Clock, SystemClock, TestClock } from './clock.js';
export { ClockModule } from './clock.module.js';
export { TimerPoller } from './timer-poller.js';

import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app.config.js';
import { Clock, SystemClock, TestClock } from './clock.js';

/** The clock CLOCK_MODE asks for; a movable clock is refused in production, whatever the environment says. */
export function clockFor(config: Pick<AppConfig, 'CLOCK_MODE' | 'NODE_ENV'>): Clock {
  if (config.CLOCK_MODE === 'test') {
    if (config.NODE_ENV === 'production') {
      throw new Error('CLOCK_MODE=test is refused when NODE_ENV=production');
    }
    return new TestClock();
  }
  return new SystemClock();
}

/**
 * One Clock per process, injectable everywhere once any module imports this. Global and static, so every module
 * importing it shares one instance: a test that moves `app.get(Clock)` moves every reader.
 */
@Global()
@Module({
  providers: [{ provide: Clock, inject: [AppConfig], useFactory: clockFor }],
  exports: [Clock],
})
export class ClockModule {}

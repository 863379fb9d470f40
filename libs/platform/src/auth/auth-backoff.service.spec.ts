import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config.js';
import { AuthBackoffService } from './auth-backoff.service.js';
import { AuthBackoffException } from './auth.exception.js';

const waitOf = (service: AuthBackoffService, attempt: Parameters<AuthBackoffService['assertAllowed']>[0]) => {
  try {
    service.assertAllowed(attempt);
    return 0;
  } catch (error) {
    return (error as AuthBackoffException).retryAfterSeconds;
  }
};

describe(AuthBackoffService.name, () => {
  const config = Object.assign(new AppConfig(), { AUTH_FAILURE_LIMIT: 3, AUTH_BACKOFF_MAX_SECONDS: 60 });
  let service: AuthBackoffService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    service = new AuthBackoffService(config);
  });
  afterEach(() => jest.useRealTimers());

  it('lets the first failures through, then waits 1 s doubling up to the maximum', () => {
    const guesser = { client: '203.0.113.7' };
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      service.recordFailure(guesser);
      const wait = waitOf(service, guesser);
      waits.push(wait);
      jest.advanceTimersByTime(wait * 1000);
    }
    expect(waits).toEqual([0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('counts per client and per key id apart', () => {
    for (let i = 0; i < 3; i++) {
      service.recordFailure({ client: `198.51.100.${i}`, keyId: 'abc' });
    }
    expect(waitOf(service, { client: '192.0.2.1', keyId: 'abc' })).toBe(1);
    expect(waitOf(service, { client: '192.0.2.1', keyId: 'other' })).toBe(0);
    expect(waitOf(service, { client: '198.51.100.0' })).toBe(0);
  });

  it('answers 429 for a failure found while waiting, without counting it', () => {
    const client = { client: '2001:db8::1' };
    for (let i = 0; i < 3; i++) {
      service.countFailure(client);
    }
    expect(() => service.countFailure({ client: '2001:db8::2' })).toThrow(AuthBackoffException);
    jest.advanceTimersByTime(1_000);
    service.countFailure(client);
    expect(waitOf(service, client)).toBe(2);
  });

  it('forgets failures a window after the first, so rare mistakes never add up', () => {
    const client = { client: '203.0.113.9' };
    service.recordFailure(client);
    service.recordFailure(client);
    jest.advanceTimersByTime(60_000);
    service.recordFailure(client);
    service.recordFailure(client);
    expect(waitOf(service, client)).toBe(0);
  });

  it('stays bounded however many addresses fail', () => {
    for (let i = 0; i < 60_000; i++) {
      service.recordFailure({ client: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    }
    const tracked = (service as unknown as { failures: Map<string, unknown> }).failures.size;
    expect(tracked).toBeLessThanOrEqual(50_000);
  });
});

import { attemptError, nextStep } from './webhook-delivery.state.js';

describe(nextStep.name, () => {
  const policy = { maxAttempts: 4, backoff: { initialMs: 5_000, maxMs: 15_000 } };

  it('delivers on any 2xx answer', () => {
    for (const statusCode of [200, 201, 202, 204, 299]) {
      expect(nextStep({ statusCode }, 1, policy)).toEqual({ status: 'delivered' });
    }
  });

  it('retries other answers, unreachable and refused endpoints with doubling backoff, capped', () => {
    expect(nextStep({ statusCode: 500 }, 1, policy)).toEqual({
      status: 'pending',
      retryInMs: 5_000,
      lastError: 'HTTP 500',
    });
    expect(nextStep({ statusCode: 301 }, 2, policy)).toMatchObject({ status: 'pending', retryInMs: 10_000 });
    expect(nextStep({ error: 'unreachable' }, 3, policy)).toEqual({
      status: 'pending',
      retryInMs: 15_000,
      lastError: 'unreachable',
    });
    expect(nextStep({ error: 'refused by policy' }, 1, policy)).toEqual({
      status: 'pending',
      retryInMs: 5_000,
      lastError: 'refused by policy',
    });
  });

  it('fails after the last attempt, without disabling the endpoint', () => {
    expect(nextStep({ statusCode: 503 }, 4, policy)).toEqual({
      status: 'failed',
      lastError: 'HTTP 503',
      disableEndpoint: false,
    });
    expect(nextStep({ error: 'unreachable' }, 4, policy)).toMatchObject({
      status: 'failed',
      disableEndpoint: false,
    });
  });

  it('fails at once and disables the endpoint on 410 Gone', () => {
    expect(nextStep({ statusCode: 410 }, 1, policy)).toEqual({
      status: 'failed',
      lastError: 'HTTP 410: the endpoint is gone and was disabled',
      disableEndpoint: true,
    });
  });
});

describe(attemptError.name, () => {
  it('logs no error for a 2xx answer, the status for another answer and the reason for no answer', () => {
    expect(attemptError({ statusCode: 204 })).toBeNull();
    expect(attemptError({ statusCode: 404 })).toBe('HTTP 404');
    expect(attemptError({ error: 'unreachable' })).toBe('unreachable');
    expect(attemptError({ error: 'refused by policy' })).toBe('refused by policy');
  });
});

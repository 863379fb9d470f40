import { exampleEvent } from '../event-catalog.js';
import { EventValidator } from '../validation/event-validator.js';
import { accountSuspended } from './accounts.events.js';

describe('account.suspended', () => {
  const validator = new EventValidator();
  const v1 = {
    accountId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01',
    reason: 'abuse',
    note: 'Spam from the VPS.',
  };

  it('is published as v2, naming who suspended the account', () => {
    expect(accountSuspended.latestVersion).toBe(2);
    const example = exampleEvent('account.suspended');
    expect(validator.validate('account.suspended', 2, example).ok).toBe(true);
    expect(validator.validate('account.suspended', 2, { ...example, suspendedBy: undefined }).ok).toBe(false);
    expect(validator.validate('account.suspended', 2, { ...example, suspendedBy: 'ops-admin' }).ok).toBe(
      false,
    );
  });

  it('lifts a v1 event (which did not say who) with suspendedBy null, keeping reason and note', () => {
    expect(validator.upcast('account.suspended', 1, v1)).toEqual({ ...v1, suspendedBy: null });
    const withoutNote = { accountId: v1.accountId, reason: 'fraud' };
    expect(validator.upcast('account.suspended', 1, withoutNote)).toEqual({
      ...withoutNote,
      suspendedBy: null,
    });
  });
});

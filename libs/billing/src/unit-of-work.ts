import type { UnitOfWork } from '@app/messaging';

/**
 * What a use case needs of its transaction: a manager and publish(). Both an HTTP request's UnitOfWork and a
 * listener's EventContext provide it, so the same code runs behind either.
 */
export type Tx = Pick<UnitOfWork, 'manager' | 'publish'>;

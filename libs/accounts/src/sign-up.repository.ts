import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SignUp } from './entities/sign-up.entity.js';

/** Pending sign-ups: all reads and writes of accounts.sign_up. */
@Injectable()
export class SignUpRepository {
  /** Serialises the sign-ups of one address until the transaction ends, so its mail budget is counted once. */
  async lockAddress(manager: EntityManager, email: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('accounts.sign_up:' || lower($1)))`, [email]);
  }

  async addressTaken(manager: EntityManager, email: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      'SELECT 1 FROM accounts.account WHERE lower(email) = lower($1)',
      [email],
    );
    return rows.length > 0;
  }

  /** Mails asked for this address (verification links and notices) since the given time. */
  async mailsSince(manager: EntityManager, email: string, since: Date): Promise<number> {
    const rows: { n: number }[] = await manager.query(
      'SELECT count(*)::int AS n FROM accounts.sign_up WHERE lower(email) = lower($1) AND created_at > $2',
      [email, since],
    );
    return rows[0]?.n ?? 0;
  }

  async insert(manager: EntityManager, signUp: SignUp): Promise<void> {
    await manager.insert(SignUp, signUp);
  }

  findByTokenHashForUpdate(manager: EntityManager, tokenHash: string): Promise<SignUp | null> {
    return manager.findOne(SignUp, { where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markVerified(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.update(SignUp, { id }, { verifiedAt: at });
  }
}

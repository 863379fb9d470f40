import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * accounts.sign_up: a sign-up waits here until its address is verified; only then do the account, its user and key
 * exist. Only a hash of the one-time token is kept, so the table cannot be used to verify an address one does not
 * hold. A row for an address that already has an account carries no token: it only counts the notices sent, so an
 * address receives a bounded number of mails whoever asks.
 */
export class SignUpVerification1795000000023 implements MigrationInterface {
  name = 'SignUpVerification1795000000023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts.sign_up (
        id uuid PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('verify', 'address_taken')),
        kind text NOT NULL CHECK (kind IN ('customer', 'reseller')),
        name text NOT NULL,
        email text NOT NULL,
        country char(2) NOT NULL,
        currency char(3) NOT NULL,
        token_hash text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        verified_at timestamptz,
        CHECK ((purpose = 'verify') = (token_hash IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX sign_up_email_idx ON accounts.sign_up (lower(email), created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts.sign_up`);
  }
}

import { signUpTokenContext } from '@app/contracts';
import { AppConfig, SecretSealer } from '@app/platform';

/** Any driver's query: TypeORM's DataSource.query, or a pg pool's rows. */
export type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** SECRETS_KEY of apps started from this process's environment (the development key when it sets none). */
export function environmentSecretsKey(): string {
  return process.env.SECRETS_KEY || new AppConfig().SECRETS_KEY;
}

/**
 * The one-time token the verification mail of an address's latest sign-up carries, opened from the sealed copy in
 * the accounts outbox with the apps' SECRETS_KEY: suites that do not run a mail server verify sign-ups the way a
 * customer does (POST /v1/accounts/verify), without waiting for the mail. The signup-verification suite reads the
 * mail itself.
 */
export async function signUpToken(query: Query, email: string, secretsKey: string): Promise<string> {
  const rows = (await query(
    `SELECT payload FROM accounts.outbox
     WHERE topic LIKE '%account.verification_requested' AND payload::jsonb ->> 'email' = $1
     ORDER BY id DESC LIMIT 1`,
    [email],
  )) as { payload: string }[];
  const payload = rows[0]
    ? (JSON.parse(rows[0].payload) as { signUpId: string; sealedToken?: string })
    : undefined;
  if (!payload?.sealedToken) {
    throw new Error(`no verification link was requested for ${email}`);
  }
  return new SecretSealer(secretsKey).openText(payload.sealedToken, signUpTokenContext(payload.signUpId));
}

/** Through a pg pool, whose query answers { rows }. */
export function poolQuery(pool: {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}): Query {
  return async (sql, params) => (await pool.query(sql, params)).rows;
}

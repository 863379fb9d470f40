export type ChargeResult = { status: 'captured'; reference: string } | { status: 'declined'; reason: string };

/**
 * The port to the card processor. Implementations must be idempotent per key: the same key returns the same
 * result, so a request retried after a timeout never charges twice.
 */
export interface PaymentGateway {
  /** Throws TransientGatewayError when the provider is unreachable or answers "try again". */
  charge(token: string, amountMinor: number, currency: string, idempotencyKey: string): Promise<ChargeResult>;
  refund(
    reference: string,
    amountMinor: number,
    currency: string,
    idempotencyKey: string,
  ): Promise<{ reference: string }>;
}

/** Nest injection token of the PaymentGateway; override it to plug in a real provider. */
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');

/** The provider is down or timed out: the outcome is unknown, and the same idempotency key may be tried again. */
export class TransientGatewayError extends Error {
  override readonly name = 'TransientGatewayError';
}

export type ChargeOutcome = ChargeResult | { status: 'unavailable'; attempts: number };

/** In-request retry of a charge (same idempotency key each time) before telling the customer to come back. */
export async function chargeWithRetry(
  gateway: PaymentGateway,
  charge: { token: string; amountMinor: number; currency: string; idempotencyKey: string },
  backoffMs: readonly number[] = [100, 200],
): Promise<ChargeOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gateway.charge(charge.token, charge.amountMinor, charge.currency, charge.idempotencyKey);
    } catch (error) {
      const delay = backoffMs[attempt - 1];
      if (!(error instanceof TransientGatewayError)) {
        throw error;
      }
      if (delay === undefined) {
        return { status: 'unavailable', attempts: attempt };
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

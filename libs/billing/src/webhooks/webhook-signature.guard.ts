import { type CanActivate, type ExecutionContext, Injectable, type RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig, verifyWebhookSignature } from '@app/platform';
import { BillingErrorCode, BillingException } from '../billing.exception.js';

export const SIGNATURE_HEADER = 'platforma-signature';

/**
 * Verifies Platforma-Signature over the raw bytes received. A guard runs before the validation pipe, so an
 * unsigned request is refused as such and never gets to learn what a valid body looks like.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawBodyRequest<Request>>();
    const result = verifyWebhookSignature(
      request.header(SIGNATURE_HEADER),
      request.rawBody,
      this.config.PAYMENT_WEBHOOK_SECRET,
      this.config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
    );
    switch (result) {
      case 'valid':
        return true;
      case 'expired':
        throw new BillingException(BillingErrorCode.SignatureExpired);
      case 'invalid':
        throw new BillingException(BillingErrorCode.InvalidSignature);
    }
  }
}

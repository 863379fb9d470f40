import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, SecretSealer } from '@app/platform';
import type { WebhookEndpoint } from './entities/webhook-endpoint.entity.js';

type SealedColumns = Pick<WebhookEndpoint, 'secretIv' | 'secretTag' | 'secretCiphertext'>;

/** Binds a sealed secret to its endpoint: copied onto another endpoint's row, it does not open. */
const sealContext = (endpointId: string): string => `webhook-endpoint:${endpointId}`;

/**
 * Endpoint signing secrets: `whsec_` + 32 random bytes (base64url), shown to the tenant once and kept only sealed
 * with SECRETS_KEY. The plaintext exists in memory on its way into the cipher, into the one HTTP response that shows
 * it, and into an HMAC.
 */
@Injectable()
export class WebhookSecretsService {
  private readonly sealer: SecretSealer;

  constructor(config: AppConfig) {
    this.sealer = new SecretSealer(config.SECRETS_KEY);
  }

  generate(): string {
    return `whsec_${randomBytes(32).toString('base64url')}`;
  }

  seal(endpointId: string, secret: string): SealedColumns {
    const sealed = this.sealer.seal(secret, sealContext(endpointId));
    return { secretIv: sealed.iv, secretTag: sealed.tag, secretCiphertext: sealed.ciphertext };
  }

  open(endpoint: Pick<WebhookEndpoint, 'id'> & SealedColumns): string {
    return this.sealer.open(
      { iv: endpoint.secretIv, tag: endpoint.secretTag, ciphertext: endpoint.secretCiphertext },
      sealContext(endpoint.id),
    );
  }
}

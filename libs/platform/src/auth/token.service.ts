import { Injectable } from '@nestjs/common';
import {
  decodeProtectedHeader,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  errors,
  type CryptoKey,
  type JWK,
} from 'jose';
import { AppConfig } from '../config/app.config.js';
import { parseKeySet, signingKid, type VerificationKey } from './jwt-keys.js';
import { ROLES, type Principal, type Role } from './principal.js';

const ALGORITHM = 'EdDSA';
const AUDIENCE = 'platforma';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Signed by us but too old: a client that should refresh, not one guessing. */
export class TokenExpiredError extends InvalidTokenError {}

export interface VerifiedToken {
  principal: Principal;
  /** When the token was issued, milliseconds since the epoch. */
  issuedAt: number;
}

/**
 * Short-lived access tokens signed by the accounts module with its private key and verified by every app with the
 * public keys from its own config, chosen by the token's kid: no app calls another to check a token, and a new key
 * can be introduced into every set before the accounts module signs with it.
 */
@Injectable()
export class TokenService {
  private readonly keySet: Map<string, VerificationKey>;
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();
  private privateKey?: Promise<{ kid: string; key: CryptoKey }>;

  constructor(private readonly config: AppConfig) {
    this.keySet = new Map(parseKeySet(config.JWT_PUBLIC_KEY).map((k) => [k.kid, k]));
  }

  /** The verification keys as a JWK Set, for verifiers outside the platform. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keySet.values()].map((k) => ({ ...k.jwk })) };
  }

  async issue(principal: Principal): Promise<{ token: string; expiresIn: number }> {
    const { kid, key } = await (this.privateKey ??= this.loadPrivateKey());
    const expiresIn = this.config.JWT_TTL_SECONDS;
    const now = Date.now();
    const token = await new SignJWT({ tid: principal.tenantId, role: principal.role })
      .setProtectedHeader({ alg: ALGORITHM, kid })
      .setSubject(principal.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(AUDIENCE)
      // Milliseconds kept (RFC 7519 allows a fractional NumericDate): a suspension revokes the tokens issued
      // before it, and one issued right after an unsuspension must not look older than the suspension.
      .setIssuedAt(now / 1000)
      .setExpirationTime(Math.floor(now / 1000) + expiresIn)
      .sign(key);
    return { token, expiresIn };
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const known = this.keyOf(token);
      let key = this.publicKeys.get(known.kid);
      if (!key) {
        key = importSPKI(known.pem, ALGORITHM);
        this.publicKeys.set(known.kid, key);
      }
      const { payload } = await jwtVerify(token, await key, {
        algorithms: [ALGORITHM],
        issuer: this.config.JWT_ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'tid', 'role'],
      });
      const role = payload.role as Role;
      if (typeof payload.tid !== 'string' || !ROLES.includes(role) || !payload.sub || !payload.iat) {
        throw new InvalidTokenError('token claims are malformed');
      }
      return {
        principal: { tenantId: payload.tid, userId: payload.sub, role },
        issuedAt: payload.iat * 1000,
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new TokenExpiredError('token expired');
      }
      if (error instanceof errors.JOSEError || error instanceof InvalidTokenError) {
        throw new InvalidTokenError('token is invalid');
      }
      throw error;
    }
  }

  /**
   * By kid. A token without one (issued before keys had ids) is accepted only while the set holds a single key, so
   * such tokens age out during the first rotation instead of being tried against every key.
   */
  private keyOf(token: string): VerificationKey {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new InvalidTokenError('token is invalid');
    }
    const only = this.keySet.size === 1 ? [...this.keySet.values()][0] : undefined;
    const known = kid === undefined ? only : this.keySet.get(kid);
    if (!known) {
      throw new InvalidTokenError('token is invalid');
    }
    return known;
  }

  private async loadPrivateKey(): Promise<{ kid: string; key: CryptoKey }> {
    if (!this.config.JWT_PRIVATE_KEY) {
      throw new Error('JWT_PRIVATE_KEY is not configured: only the accounts module issues tokens');
    }
    return {
      kid: signingKid(this.config.JWT_PRIVATE_KEY),
      key: await importPKCS8(this.config.JWT_PRIVATE_KEY, ALGORITHM),
    };
  }
}

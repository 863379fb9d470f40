import { Injectable } from '@nestjs/common';
import { importPKCS8, importSPKI, jwtVerify, SignJWT, errors, type CryptoKey } from 'jose';
import { AppConfig } from '../config/app.config.js';
import { ROLES, type Principal, type Role } from './principal.js';

const ALGORITHM = 'EdDSA';
const AUDIENCE = 'platforma';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/**
 * Short-lived access tokens signed by the accounts module with its private key and verified by every app with the
 * public key from its own config: no app calls another to check a token.
 */
@Injectable()
export class TokenService {
  private publicKey?: Promise<CryptoKey>;
  private privateKey?: Promise<CryptoKey>;

  constructor(private readonly config: AppConfig) {}

  async issue(principal: Principal): Promise<{ token: string; expiresIn: number }> {
    const key = await (this.privateKey ??= this.loadPrivateKey());
    const expiresIn = this.config.JWT_TTL_SECONDS;
    const token = await new SignJWT({ tid: principal.tenantId, role: principal.role })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(principal.userId)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(key);
    return { token, expiresIn };
  }

  async verify(token: string): Promise<Principal> {
    const key = await (this.publicKey ??= importSPKI(this.config.JWT_PUBLIC_KEY, ALGORITHM));
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer: this.config.JWT_ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'tid', 'role'],
      });
      const role = payload.role as Role;
      if (typeof payload.tid !== 'string' || !ROLES.includes(role) || !payload.sub) {
        throw new InvalidTokenError('token claims are malformed');
      }
      return { tenantId: payload.tid, userId: payload.sub, role };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new InvalidTokenError('token expired');
      }
      if (error instanceof errors.JOSEError || error instanceof InvalidTokenError) {
        throw new InvalidTokenError('token is invalid');
      }
      throw error;
    }
  }

  private loadPrivateKey(): Promise<CryptoKey> {
    if (!this.config.JWT_PRIVATE_KEY) {
      throw new Error('JWT_PRIVATE_KEY is not configured: only the accounts module issues tokens');
    }
    return importPKCS8(this.config.JWT_PRIVATE_KEY, ALGORITHM);
  }
}

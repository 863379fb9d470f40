import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthorizedException } from '@nestjs/common';
import { IS_PUBLIC, REQUIRED_ROLES, type AuthenticatedRequest } from './auth.decorators.js';
import type { Role } from './principal.js';
import { DomainProblem } from '../http/problem.js';
import { TenantAccessService } from './tenant-access.service.js';
import { InvalidTokenError, TokenExpiredError, TokenService, type VerifiedToken } from './token.service.js';
import { AuthBackoffService } from './auth-backoff.service.js';

/** Global: every HTTP route needs a valid bearer token unless marked @Public(). Kafka handlers are not HTTP. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly access: TenantAccessService,
    private readonly backoff: AuthBackoffService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('A bearer token is required');
    }
    let verified: VerifiedToken;
    try {
      verified = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        if (!(error instanceof TokenExpiredError)) {
          this.backoff.countFailure({ client: request.ip });
        }
        throw new UnauthorizedException(error.message);
      }
      throw error;
    }
    request.principal = verified.principal;
    // A valid signature is not enough: a suspension takes effect before the tokens issued earlier expire.
    switch (this.access.decide(verified.principal.tenantId, verified.issuedAt)) {
      case 'suspended':
        throw new DomainProblem(403, 'account-suspended', 'The account is suspended');
      case 'revoked':
        throw new UnauthorizedException('token revoked');
      case 'allowed':
        break;
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}

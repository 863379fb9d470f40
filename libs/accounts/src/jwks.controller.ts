import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public, TokenService } from '@app/platform';

/** The token verification keys, for verifiers outside the platform (a gateway, a partner's service). */
@ApiTags('accounts')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly tokens: TokenService) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): ReturnType<TokenService['jwks']> {
    return this.tokens.jwks();
  }
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { SignUpDto } from './dto/sign-up.dto.js';
import { VerifySignUpDto } from './dto/verify-sign-up.dto.js';
import { type SignUpAccepted, type SignUpResult, SignUpService } from './sign-up.service.js';

@ApiTags('accounts')
@Controller('v1')
export class SignUpController {
  constructor(private readonly signUps: SignUpService) {}

  @Public()
  @Post('accounts')
  @HttpCode(202)
  signUp(@Body() dto: SignUpDto): Promise<SignUpAccepted> {
    return this.signUps.request(dto);
  }

  @Public()
  @Post('accounts/verify')
  verify(@Body() dto: VerifySignUpDto): Promise<SignUpResult> {
    return this.signUps.verify(dto.token);
  }
}

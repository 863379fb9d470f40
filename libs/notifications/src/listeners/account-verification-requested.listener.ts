import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventData } from '@app/contracts';
import { type EventContext, OnEvent } from '@app/messaging';
import { NOTIFICATIONS } from '../notifications.domain.js';
import { SignUpMailService } from '../sign-up-mail.service.js';

@Controller()
export class AccountVerificationRequestedListener {
  constructor(private readonly signUpMails: SignUpMailService) {}

  @OnEvent('account.verification_requested', NOTIFICATIONS)
  async handle(
    @Payload() data: EventData<'account.verification_requested'>,
    @Ctx() ctx: EventContext<'account.verification_requested'>,
  ): Promise<void> {
    await this.signUpMails.request(ctx, data);
  }
}

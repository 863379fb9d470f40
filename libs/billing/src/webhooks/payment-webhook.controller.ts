import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { PaymentWebhookDto } from '../dto/payment-webhook.dto.js';
import { PaymentWebhookService, type WebhookReceipt } from './payment-webhook.service.js';
import { WebhookSignatureGuard } from './webhook-signature.guard.js';

@ApiTags('billing')
@Controller('v1/webhooks')
export class PaymentWebhookController {
  constructor(private readonly webhooks: PaymentWebhookService) {}

  @Public()
  @Post('payment-provider')
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  @ApiHeader({
    name: 'Platforma-Signature',
    required: true,
    description:
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with PAYMENT_WEBHOOK_SECRET>; ' +
      'refused when t is more than PAYMENT_WEBHOOK_TOLERANCE_SECONDS away from now',
  })
  receive(@Body() event: PaymentWebhookDto): Promise<WebhookReceipt> {
    return this.webhooks.receive(event);
  }
}

import { ApiProperty } from '@nestjs/swagger';
import { Length, Matches } from 'class-validator';

export class PayInvoiceDto {
  @ApiProperty({
    example: 'tok_success',
    description: [
      'Single-use card token from the payment provider; the invoice total is charged to it.',
      'The built-in test gateway (the default) understands:',
      '`tok_success` captures;',
      '`tok_declined` is declined with card_declined (402);',
      '`tok_insufficient_funds` is declined with insufficient_funds (402);',
      '`tok_unavailable` is a provider outage on every attempt (503);',
      '`tok_flaky` fails once, is retried within the request and captures.',
      'Any other token is declined with invalid_payment_token.',
    ].join(' '),
  })
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'paymentToken must be a provider token such as tok_success' })
  @Length(1, 255)
  paymentToken!: string;
}

import { TemplateError, isKnownTemplate, renderTemplate } from './notification.templates.js';

const vpsReady = {
  hostname: 'web-01.example.com',
  ipv4: '203.0.113.10',
  username: 'root',
  credentialsUrl: 'https://panel.example.com/credentials/abc123',
  orderId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0b',
  name: 'Example GmbH',
};

describe(renderTemplate.name, () => {
  it('renders vps-ready with the host, address, user and the one-time credentials link', () => {
    const message = renderTemplate('vps-ready', vpsReady);
    expect(message.subject).toBe('Your server web-01.example.com is ready');
    expect(message.text).toContain('Hello Example GmbH,');
    expect(message.text).toContain('IPv4 address: 203.0.113.10');
    expect(message.text).toContain('Username: root');
    expect(message.text).toContain('https://panel.example.com/credentials/abc123');
    expect(message.text).toContain(vpsReady.orderId);
  });

  it('renders order-cancelled, saying whether the payment was refunded', () => {
    const refunded = renderTemplate('order-cancelled', {
      reason: 'provisioning_failed',
      refunded: true,
      orderId: 'o-1',
      name: 'Ada',
    });
    expect(refunded.subject).toBe('Your order o-1 was cancelled');
    expect(refunded.text).toContain('Reason: provisioning_failed');
    expect(refunded.text).toContain('refunded in full');

    const unpaid = renderTemplate('order-cancelled', { reason: 'x', refunded: false, orderId: 'o-2' });
    expect(unpaid.text).toContain('Hello,');
    expect(unpaid.text).not.toContain('refunded in full');
    expect(unpaid.text).toContain('No payment was taken');
  });

  it('renders payment-failed', () => {
    expect(renderTemplate('payment-failed', { orderId: 'o-3', reason: 'card_declined' })).toEqual({
      subject: 'Payment for order o-3 failed',
      text: expect.stringContaining('Reason: card_declined') as string,
      html: expect.stringContaining('<br>\nReason: card_declined') as string,
    });
  });

  it('renders the recurring-billing messages: renewal, reminder, suspension, unsuspension, termination', () => {
    const invoice = {
      hostname: 'web-01',
      invoiceNumber: 'INV-2026-000007',
      amount: '15.46 EUR',
      dueDate: '2026-05-01',
    };
    const renewal = renderTemplate('renewal-invoice', {
      ...invoice,
      periodStart: '2026-05-01',
      periodEnd: '2026-06-01',
    });
    expect(renewal.subject).toBe('Invoice INV-2026-000007 for web-01');
    expect(renewal.text).toContain('over 15.46 EUR is due on 2026-05-01');
    const byCredit = renderTemplate('renewal-invoice', {
      ...invoice,
      periodStart: '2026-05-01',
      periodEnd: '2026-06-01',
      paidByCredit: true,
    });
    expect(byCredit.text).toContain('paid in full from your account credit');

    const reminder = renderTemplate('payment-reminder', { ...invoice, suspendDate: '2026-05-08' });
    expect(reminder.subject).toBe('Reminder: invoice INV-2026-000007 is overdue');
    expect(reminder.text).toContain('suspended on that day');
    expect(
      renderTemplate('payment-reminder', { ...invoice, suspendDate: 'x', suspended: true }).text,
    ).toContain('is suspended until the invoice is paid');

    const suspended = renderTemplate('service-suspended', { ...invoice, terminateDate: '2026-05-31' });
    expect(suspended.subject).toBe('Your server web-01 is suspended');
    expect(suspended.text).toContain('deleted');
    expect(renderTemplate('service-unsuspended', { hostname: 'web-01' }).subject).toBe(
      'Your server web-01 is running again',
    );
    expect(renderTemplate('service-terminated', invoice).text).toContain('you owe nothing');
    expect(() => renderTemplate('service-suspended', invoice)).toThrow(/needs terminateDate/);
  });

  it('keeps variables verbatim in the plain-text body and on one line in the subject', () => {
    const message = renderTemplate('vps-ready', {
      ...vpsReady,
      hostname: 'evil\r\nBcc: x@example.com',
      name: '<b>Tom & "Jerry"</b>',
    });
    expect(message.subject).toBe('Your server evil Bcc: x@example.com is ready');
    expect(message.text).toContain('Hello <b>Tom & "Jerry"</b>,');
  });

  it('escapes every variable in the HTML body and links only the platform’s own URLs', () => {
    const name = '<a href="https://evil.example/login">Support</a> & Co';
    const message = renderTemplate('payment-failed', { orderId: 'o-5', name });
    expect(message.text).toContain(`Hello ${name},`);
    expect(message.html).toContain(
      'Hello &lt;a href=&quot;https://evil.example/login&quot;&gt;Support&lt;/a&gt; &amp; Co,',
    );
    expect(message.html).not.toContain('<a ');
    const ready = renderTemplate('vps-ready', vpsReady);
    expect(ready.html).toContain(`<a href="${vpsReady.credentialsUrl}">${vpsReady.credentialsUrl}</a>`);
  });

  it('renders the sign-up mails without anything the person signing up typed', () => {
    const verify = renderTemplate('verify-email', {
      verifyUrl: 'https://shop.example.com/verify-email#token=abc',
      expiresAt: '2026-05-02T10:00:00.000Z',
      name: 'Injected',
    });
    expect(verify.subject).toBe('Confirm your email address for PLATFORMA');
    expect(verify.text).toContain('https://shop.example.com/verify-email#token=abc');
    expect(verify.text).toContain('until 2026-05-02 10:00 UTC');
    expect(`${verify.text}${verify.html}`).not.toContain('Injected');
    expect(verify.html).toContain('<a href="https://shop.example.com/verify-email#token=abc">');
    expect(renderTemplate('sign-up-address-taken', { expiresAt: 'x', name: 'Injected' }).text).not.toContain(
      'Injected',
    );
    expect(() => renderTemplate('verify-email', { expiresAt: 'x' })).toThrow(/needs verifyUrl/);
  });

  it('refuses an unknown template and missing variables', () => {
    expect(isKnownTemplate('vps-ready')).toBe(true);
    expect(isKnownTemplate('toString')).toBe(false);
    expect(() => renderTemplate('no-such-template', {})).toThrow(TemplateError);
    expect(() => renderTemplate('toString', {})).toThrow(/no template named toString/);
    try {
      renderTemplate('vps-ready', { hostname: 'h', ipv4: '1.2.3.4' });
      throw new Error('rendered');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).reason).toBe('missing_variables');
      expect((error as TemplateError).message).toBe('template vps-ready needs username, credentialsUrl');
    }
  });
});

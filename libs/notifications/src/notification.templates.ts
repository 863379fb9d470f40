import type { TemplateVariables } from './entities/notification.entity.js';

export interface RenderedMessage {
  subject: string;
  text: string;
}

/** Why a request cannot be rendered; the codes are notification.failed reasons. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly reason: 'unknown_template' | 'missing_variables',
    message: string,
  ) {
    super(message);
  }
}

type Values = Record<string, string>;

interface Template {
  required: readonly string[];
  render(v: Values, raw: TemplateVariables): RenderedMessage;
}

const SIGNATURE = '\n\n-- \nPLATFORMA\n';

const greeting = (v: Values): string => (v.name ? `Hello ${v.name},` : 'Hello,');

/** English only for now: every locale falls back to these. */
const TEMPLATES: Record<string, Template> = {
  'vps-ready': {
    required: ['hostname', 'ipv4', 'username', 'credentialsUrl'],
    render: (v) => ({
      subject: `Your server ${v.hostname} is ready`,
      text:
        `${greeting(v)}\n\n` +
        `your server ${v.hostname} is up and running.\n\n` +
        `IPv4 address: ${v.ipv4}\n` +
        `Username: ${v.username}\n\n` +
        `Retrieve the initial password once, here: ${v.credentialsUrl}\n` +
        `The link works a single time; change the password after your first login.` +
        (v.orderId ? `\n\nOrder: ${v.orderId}` : '') +
        SIGNATURE,
    }),
  },
  'order-cancelled': {
    required: ['orderId'],
    render: (v, raw) => ({
      subject: `Your order ${v.orderId} was cancelled`,
      text:
        `${greeting(v)}\n\n` +
        `we could not fulfil your order ${v.orderId} and have cancelled it.` +
        (v.reason ? `\nReason: ${v.reason}` : '') +
        (raw.refunded === true || v.refunded === 'true'
          ? `\n\nYour payment has been refunded in full.`
          : `\n\nNo payment was taken for this order.`) +
        SIGNATURE,
    }),
  },
  'payment-failed': {
    required: ['orderId'],
    render: (v) => ({
      subject: `Payment for order ${v.orderId} failed`,
      text:
        `${greeting(v)}\n\n` +
        `we could not collect the payment for your order ${v.orderId}.` +
        (v.reason ? `\nReason: ${v.reason}` : '') +
        `\n\nPlease check your payment method and try again.` +
        SIGNATURE,
    }),
  },
  'order-confirmed': {
    required: ['orderId'],
    render: (v) => ({
      subject: `Order ${v.orderId} confirmed`,
      text:
        `${greeting(v)}\n\n` +
        `thank you: your order ${v.orderId} is confirmed and paid. We are setting it up now and will write again ` +
        `when it is ready.` +
        SIGNATURE,
    }),
  },
  'renewal-invoice': {
    required: ['hostname', 'invoiceNumber', 'amount', 'dueDate', 'periodStart', 'periodEnd'],
    render: (v, raw) => ({
      subject: `Invoice ${v.invoiceNumber} for ${v.hostname}`,
      text:
        `${greeting(v)}\n\n` +
        `your server ${v.hostname} renews for ${v.periodStart} to ${v.periodEnd}.\n\n` +
        (raw.paidByCredit === true || v.paidByCredit === 'true'
          ? `Invoice ${v.invoiceNumber} is paid in full from your account credit; there is nothing to do.`
          : `Invoice ${v.invoiceNumber} over ${v.amount} is due on ${v.dueDate}.`) +
        SIGNATURE,
    }),
  },
  'payment-reminder': {
    required: ['hostname', 'invoiceNumber', 'amount', 'dueDate', 'suspendDate'],
    render: (v, raw) => ({
      subject: `Reminder: invoice ${v.invoiceNumber} is overdue`,
      text:
        `${greeting(v)}\n\n` +
        `invoice ${v.invoiceNumber} over ${v.amount} for your server ${v.hostname} was due on ${v.dueDate} and ` +
        `is still open.\n\n` +
        (raw.suspended === true || v.suspended === 'true'
          ? `The server is suspended until the invoice is paid; paying it starts the server again.`
          : `Please pay it before ${v.suspendDate}, or the server will be suspended on that day.`) +
        SIGNATURE,
    }),
  },
  'service-suspended': {
    required: ['hostname', 'invoiceNumber', 'amount', 'terminateDate'],
    render: (v) => ({
      subject: `Your server ${v.hostname} is suspended`,
      text:
        `${greeting(v)}\n\n` +
        `we suspended your server ${v.hostname} because invoice ${v.invoiceNumber} over ${v.amount} is unpaid. ` +
        `Its data and addresses are kept.\n\n` +
        `Paying the invoice starts the server again. If it is still unpaid on ${v.terminateDate}, the server and ` +
        `its data will be deleted.` +
        SIGNATURE,
    }),
  },
  'service-unsuspended': {
    required: ['hostname'],
    render: (v) => ({
      subject: `Your server ${v.hostname} is running again`,
      text:
        `${greeting(v)}\n\n` +
        `thank you for your payment` +
        (v.invoiceNumber ? ` of invoice ${v.invoiceNumber}` : '') +
        `: your server ${v.hostname} is no longer suspended.` +
        SIGNATURE,
    }),
  },
  'service-terminated': {
    required: ['hostname', 'invoiceNumber'],
    render: (v) => ({
      subject: `Your server ${v.hostname} was terminated`,
      text:
        `${greeting(v)}\n\n` +
        `invoice ${v.invoiceNumber} stayed unpaid, so we terminated your server ${v.hostname} and deleted its ` +
        `data. The invoice is void; you owe nothing for it.` +
        SIGNATURE,
    }),
  },
};

export function isKnownTemplate(name: string): boolean {
  return Object.hasOwn(TEMPLATES, name);
}

/** A subject is a single header line, whatever a variable holds. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim();
}

/**
 * Renders a template to a plain-text message. Nothing is escaped (no HTML is produced); a missing required variable
 * is an error rather than a message with a hole in it.
 */
export function renderTemplate(name: string, variables: TemplateVariables, _locale = 'en'): RenderedMessage {
  const template = Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
  if (!template) {
    throw new TemplateError('unknown_template', `no template named ${name}`);
  }
  const missing = template.required.filter((key) => variables[key] === undefined || variables[key] === '');
  if (missing.length > 0) {
    throw new TemplateError('missing_variables', `template ${name} needs ${missing.join(', ')}`);
  }
  const values: Values = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
  const message = template.render(values, variables);
  return { subject: oneLine(message.subject), text: message.text };
}

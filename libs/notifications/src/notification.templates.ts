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

import type { TemplateVariables } from './entities/notification.entity.js';

export interface RenderedMessage {
  subject: string;
  text: string;
  /** The same message as HTML: every variable escaped, the template's link variables as links. */
  html: string;
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

/**
 * A template's text is the operator's and is written HTML-safe (no <, >, &); only variables are escaped. A variable
 * named in `links` is a URL the platform made (never one a customer typed) and becomes a link in the HTML body.
 */
interface Template {
  required: readonly string[];
  links?: readonly string[];
  render(v: Values, raw: TemplateVariables): Omit<RenderedMessage, 'html'>;
}

const SIGNATURE = '\n\n-- \nPLATFORMA\n';

const greeting = (v: Values): string => (v.name ? `Hello ${v.name},` : 'Hello,');

/** "2026-05-02 10:00 UTC" from an ISO timestamp; anything else as it is. */
const utcMinute = (iso: string): string =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;

/** English only for now: every locale falls back to these. */
const TEMPLATES: Record<string, Template> = {
  // Sent to an address nobody has verified yet: it holds nothing the person signing up typed, not even the name.
  'verify-email': {
    required: ['verifyUrl', 'expiresAt'],
    links: ['verifyUrl'],
    render: (v) => ({
      subject: 'Confirm your email address for PLATFORMA',
      text:
        `Hello,\n\n` +
        `someone asked to open a PLATFORMA account with this email address. If it was you, confirm the address ` +
        `here; the link works once, until ${utcMinute(v.expiresAt ?? '')}:\n\n` +
        `${v.verifyUrl}\n\n` +
        `If it was not you, ignore this message: no account is opened without the link.` +
        SIGNATURE,
    }),
  },
  'sign-up-address-taken': {
    required: [],
    render: () => ({
      subject: 'Someone tried to sign up to PLATFORMA with your address',
      text:
        `Hello,\n\n` +
        `someone asked to open a PLATFORMA account with this email address, which already has one. No new account ` +
        `was opened.\n\n` +
        `If it was you, keep using your existing account and its API keys. If it was not you, ignore this message.` +
        SIGNATURE,
    }),
  },
  'vps-ready': {
    required: ['hostname', 'ipv4', 'username', 'credentialsUrl'],
    links: ['credentialsUrl'],
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

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Paragraphs at blank lines, line breaks within them: the text body's layout, as HTML. */
function htmlBody(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p>${p.split('\n').join('<br>\n')}</p>`);
  return `<!doctype html>\n<html><body>\n${paragraphs.join('\n')}\n</body></html>\n`;
}

/**
 * Renders a template to a plain-text message and its HTML alternative. The text body keeps variables verbatim (a
 * mail client shows it as text); the HTML body escapes every variable, so a customer's name cannot add markup or a
 * link to a mail from the operator's domain. A missing required variable is an error rather than a message with a
 * hole in it.
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
  const links = new Set(template.links ?? []);
  const escaped: Values = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      links.has(k) ? `<a href="${escapeHtml(v)}">${escapeHtml(v)}</a>` : escapeHtml(v),
    ]),
  );
  return {
    subject: oneLine(message.subject),
    text: message.text,
    html: htmlBody(template.render(escaped, variables).text),
  };
}

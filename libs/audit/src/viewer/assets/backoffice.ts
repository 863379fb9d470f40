// The back office (#backoffice/<view>): accounts, orders, invoices and services across tenants, each a keyset page
// at a time with its filters, and per row the operator's actions — each asking for a reason, showing the API's
// answer or the refusal's reason. Orders link to their event timeline (#order/<id>) and their saga (#saga/<id>).
import type {
  BackOfficeAccount,
  BackOfficeInvoice,
  BackOfficeOrder,
  BackOfficePayment,
  BackOfficeRequestAccepted,
  BackOfficeService,
  BackOfficeServiceAction,
  BackOfficeServiceActionAccepted,
  BackOfficeSuspensionReason,
} from '../../back-office.view.js';
import { reasonAction } from './actions.js';
import { api } from './api.js';
import { $, type Child, el, navigate, type Panel, shortId, text, when } from './dom.js';
import { Pager } from './pager.js';
import { sagaLink } from './sagas.js';

const VIEWS = ['accounts', 'orders', 'invoices', 'services'] as const;
const SUSPENSION_REASONS: readonly BackOfficeSuspensionReason[] = [
  'non_payment',
  'abuse',
  'fraud',
  'customer_request',
];
type ViewName = (typeof VIEWS)[number];

interface Field {
  name: string;
  label: string;
  /** A select of these values (and "any"), a date-time sent as ISO 8601, or text. */
  options?: readonly string[];
  time?: boolean;
  placeholder?: string;
}

/** One list: where it reads, its filters and columns, how a row looks, and where one row is read again. */
interface ListSpec<T extends { id: string }> {
  name: ViewName;
  path: string;
  fields: Field[];
  columns: string[];
  attributes(item: T): Record<string, string>;
  /** The row's cells; `refresh` reads the row again after an action and shows what the action answered. */
  cells(item: T, refresh: (id: string, line: string) => Promise<void>): Child[];
  /** GET one item, to show a row's state after an action; lists without actions have none. */
  one?: (id: string) => string;
}

export function money(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

const orderLinks = (orderId: string): HTMLElement =>
  el(
    'span',
    { class: 'links' },
    el(
      'a',
      {
        href: `#order/${encodeURIComponent(orderId)}`,
        class: 'mono',
        title: `The event timeline of order ${orderId}`,
        'data-testid': 'order-timeline-link',
      },
      shortId(orderId),
    ),
    ' ',
    sagaLink(orderId, 'saga'),
  );

const badge = (status: string): HTMLElement =>
  el('span', { class: `badge bo-${status}`, 'data-testid': 'bo-status-badge' }, status);

const post = <T>(path: string, body: object): Promise<T> => api<T>(path, { method: 'POST', body });

const ACCOUNTS: ListSpec<BackOfficeAccount> = {
  name: 'accounts',
  path: '/v1/admin/accounts',
  fields: [
    { name: 'status', label: 'Status', options: ['active', 'suspended'] },
    { name: 'email', label: 'Email', placeholder: 'exact address' },
    { name: 'emailPrefix', label: 'Email starts with' },
    { name: 'tenantId', label: 'Tenant (account id)' },
  ],
  columns: ['Account', 'Email', 'Kind', 'Country / currency', 'Status', 'Created', 'Actions'],
  attributes: (a) => ({ 'data-id': a.id, 'data-status': a.status, 'data-email': a.email }),
  one: (id) => `/v1/admin/accounts/${encodeURIComponent(id)}`,
  cells: (a, refresh) => [
    el('td', {}, text(a.name), el('div', { class: 'mono meta', title: a.id }, shortId(a.id))),
    el('td', { class: 'mono' }, a.email),
    el('td', {}, a.kind),
    el('td', {}, `${a.country} / ${a.currency}`),
    el(
      'td',
      {},
      badge(a.status),
      a.suspension
        ? el(
            'div',
            { class: 'meta', 'data-testid': 'bo-suspension' },
            `${a.suspension.reason}${a.suspension.note ? `: ${a.suspension.note}` : ''} — by ${text(a.suspension.by)} at ${when(a.suspension.at)}`,
          )
        : '',
    ),
    el('td', { class: 'mono' }, when(a.createdAt)),
    el(
      'td',
      { class: 'row-actions' },
      reasonAction<BackOfficeAccount>({
        action: 'suspend',
        label: 'Suspend',
        prompt: 'Why suspend the account?',
        choice: { label: 'Suspension reason', options: SUSPENSION_REASONS },
        send: (note, reason) =>
          post(`/v1/admin/accounts/${encodeURIComponent(a.id)}/suspend`, { reason, note }),
        done: (r) => `Suspended (200): ${r.suspension?.reason ?? r.status}.`,
        after: (r) => refresh(r.id, `Suspended (200): ${r.suspension?.reason ?? r.status}.`),
      }),
      reasonAction<BackOfficeAccount>({
        action: 'unsuspend',
        label: 'Unsuspend',
        prompt: 'Why lift the suspension?',
        send: (note) => post(`/v1/admin/accounts/${encodeURIComponent(a.id)}/unsuspend`, { note }),
        done: (r) => `Unsuspended (200): ${r.status}.`,
        after: (r) => refresh(r.id, `Unsuspended (200): ${r.status}.`),
      }),
    ),
  ],
};

const ORDERS: ListSpec<BackOfficeOrder> = {
  name: 'orders',
  path: '/v1/admin/orders',
  fields: [
    {
      name: 'status',
      label: 'Status',
      options: [
        'pending',
        'awaiting_payment',
        'confirmed',
        'provisioning',
        'completed',
        'cancelled',
        'failed',
      ],
    },
    { name: 'tenantId', label: 'Tenant' },
    { name: 'planId', label: 'Plan' },
    { name: 'createdFrom', label: 'Created from', time: true },
    { name: 'createdTo', label: 'Created before', time: true },
  ],
  columns: ['Order', 'Tenant', 'Status', 'Hostname / region', 'Cycle', 'Price', 'Service', 'Created'],
  attributes: (o) => ({ 'data-id': o.id, 'data-status': o.status, 'data-tenant-id': o.tenantId }),
  cells: (o) => [
    el('td', {}, orderLinks(o.id)),
    el('td', { class: 'mono', title: o.tenantId }, shortId(o.tenantId)),
    el('td', {}, badge(o.status)),
    el('td', {}, el('div', { class: 'mono' }, o.hostname), el('div', { class: 'meta' }, o.region)),
    el('td', {}, o.billingCycle),
    el(
      'td',
      {},
      money(o.priceMinor, o.currency),
      o.setupFeeMinor ? el('div', { class: 'meta' }, `+ ${money(o.setupFeeMinor, o.currency)} setup`) : '',
    ),
    el('td', { class: 'mono', title: o.serviceId ?? '' }, shortId(o.serviceId)),
    el('td', { class: 'mono' }, when(o.createdAt)),
  ],
};

function paymentLine(
  p: BackOfficePayment,
  invoiceId: string,
  refresh: (id: string, line: string) => Promise<void>,
) {
  const requested = p.refundRequestedAt ? ` — refund requested ${when(p.refundRequestedAt)}` : '';
  return el(
    'li',
    { 'data-testid': 'bo-payment', 'data-id': p.id, 'data-status': p.status },
    el(
      'span',
      {},
      `${money(p.amountMinor, p.currency)} ${p.method} `,
      badge(p.status),
      p.failureReason ? ` ${p.failureReason}` : '',
      requested,
    ),
    reasonAction<BackOfficeRequestAccepted>({
      action: 'refund',
      label: 'Refund',
      prompt: 'Why refund the payment?',
      send: (reason) => post(`/v1/admin/payments/${encodeURIComponent(p.id)}/refund`, { reason }),
      done: (r) => `Refund requested (202): request ${r.requestId}.`,
      after: (r) =>
        refresh(invoiceId, `Refund requested (202): request ${r.requestId}; billing carries it out.`),
    }),
  );
}

const INVOICES: ListSpec<BackOfficeInvoice> = {
  name: 'invoices',
  path: '/v1/admin/invoices',
  fields: [
    { name: 'status', label: 'Status', options: ['open', 'paid', 'voided'] },
    { name: 'tenantId', label: 'Tenant' },
    { name: 'orderId', label: 'Order' },
  ],
  columns: ['Invoice', 'Order', 'Tenant', 'Kind', 'Status', 'Total', 'Issued / due', 'Payments', 'Actions'],
  attributes: (i) => ({
    'data-id': i.id,
    'data-status': i.status,
    'data-order-id': i.orderId,
    'data-number': i.number,
  }),
  one: (id) => `/v1/admin/invoices/${encodeURIComponent(id)}`,
  cells: (i, refresh) => [
    el('td', { class: 'mono' }, i.number, el('div', { class: 'meta', title: i.id }, shortId(i.id))),
    el('td', {}, orderLinks(i.orderId)),
    el('td', { class: 'mono', title: i.tenantId }, shortId(i.tenantId)),
    el('td', {}, i.kind),
    el(
      'td',
      {},
      badge(i.status),
      i.voidedAt ? el('div', { class: 'meta' }, `voided ${when(i.voidedAt)}: ${text(i.voidReason)}`) : '',
      i.voidRequestedAt && !i.voidedAt
        ? el('div', { class: 'meta' }, `void requested ${when(i.voidRequestedAt)}`)
        : '',
    ),
    el('td', {}, money(i.totalMinor, i.currency)),
    el(
      'td',
      { class: 'mono' },
      when(i.createdAt),
      el('div', { class: 'meta' }, i.paidAt ? `paid ${when(i.paidAt)}` : `due ${when(i.dueAt)}`),
    ),
    el(
      'td',
      {},
      i.payments.length === 0
        ? '—'
        : el(
            'ul',
            { class: 'payments' },
            i.payments.map((p) => paymentLine(p, i.id, refresh)),
          ),
    ),
    el(
      'td',
      { class: 'row-actions' },
      reasonAction<BackOfficeRequestAccepted>({
        action: 'void',
        label: 'Void',
        prompt: 'Why void the invoice?',
        send: (reason) => post(`/v1/admin/invoices/${encodeURIComponent(i.id)}/void`, { reason }),
        done: (r) => `Void requested (202): request ${r.requestId}.`,
        after: (r) => refresh(i.id, `Void requested (202): request ${r.requestId}; billing carries it out.`),
      }),
    ),
  ],
};

const SERVICE_ACTIONS: { action: BackOfficeServiceAction; label: string; prompt: string }[] = [
  { action: 'suspend', label: 'Suspend', prompt: 'Why suspend the service?' },
  { action: 'unsuspend', label: 'Unsuspend', prompt: 'Why lift the suspension?' },
  { action: 'terminate', label: 'Terminate', prompt: 'Why terminate the service?' },
];

const SERVICES: ListSpec<BackOfficeService> = {
  name: 'services',
  path: '/v1/admin/services',
  fields: [
    {
      name: 'status',
      label: 'Status',
      options: ['provisioning', 'active', 'suspended', 'failed', 'released'],
    },
    { name: 'tenantId', label: 'Tenant' },
    { name: 'orderId', label: 'Order' },
  ],
  columns: ['Service', 'Order', 'Tenant', 'Status', 'Machine', 'Addresses', 'Created', 'Actions'],
  attributes: (s) => ({ 'data-id': s.id, 'data-status': s.status, 'data-order-id': s.orderId }),
  one: (id) => `/v1/admin/services/${encodeURIComponent(id)}`,
  cells: (s, refresh) => [
    el(
      'td',
      {},
      el('div', { class: 'mono' }, s.hostname),
      el('div', { class: 'meta', title: s.id }, shortId(s.id)),
    ),
    el('td', {}, orderLinks(s.orderId)),
    el('td', { class: 'mono', title: s.tenantId }, shortId(s.tenantId)),
    el(
      'td',
      {},
      badge(s.status),
      s.releaseReason
        ? el('div', { class: 'meta' }, `released (${s.releaseReason}) ${when(s.releasedAt)}`)
        : '',
    ),
    el(
      'td',
      {},
      `${s.resources.vcpus} vCPU, ${s.resources.memoryMb} MB, ${s.resources.diskGb} GB`,
      el('div', { class: 'meta' }, `${s.image} in ${s.region}${s.node ? ` on ${s.node}` : ''}`),
    ),
    el('td', { class: 'mono' }, [s.addresses.ipv4, s.addresses.ipv6].filter(Boolean).join(' ') || '—'),
    el('td', { class: 'mono' }, when(s.createdAt)),
    el(
      'td',
      { class: 'row-actions' },
      SERVICE_ACTIONS.map((a) =>
        reasonAction<BackOfficeServiceActionAccepted>({
          ...a,
          send: (reason) =>
            post(`/v1/admin/subscriptions/${encodeURIComponent(s.id)}/${a.action}`, { reason }),
          done: (r) => `${a.label} requested (202): subscription ${r.status}, command #${r.sequence}.`,
          after: (r) =>
            refresh(
              s.id,
              `${a.label} requested (202): subscription ${r.status}, command #${r.sequence} (${r.requestId}).`,
            ),
        }),
      ),
    ),
  ],
};

/** One list of the back office, built from its spec into its own part of the panel. */
class BackOfficeList<T extends { id: string }> {
  readonly root: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly rows: HTMLElement;
  private readonly pager: Pager<T>;
  private filters: Record<string, string> = {};

  constructor(private readonly spec: ListSpec<T>) {
    this.form = el(
      'form',
      { class: 'filters', 'data-testid': 'bo-filters' },
      spec.fields.map((field) =>
        el(
          'label',
          {},
          field.label,
          field.options
            ? el(
                'select',
                { name: field.name, 'data-testid': `bo-filter-${field.name}` },
                el('option', { value: '' }, 'any'),
                field.options.map((option) => el('option', { value: option }, option)),
              )
            : el('input', {
                name: field.name,
                type: field.time ? 'datetime-local' : 'text',
                step: field.time ? 1 : undefined,
                placeholder: field.placeholder,
                'data-testid': `bo-filter-${field.name}`,
              }),
        ),
      ),
      el(
        'div',
        { class: 'buttons' },
        el('button', { type: 'submit', 'data-testid': 'bo-apply' }, 'Apply'),
        // Not a reset button: reset() clears the form when the session ends, and must not search then.
        el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-testid': 'bo-reset',
            onclick: () => {
              this.form.reset();
              void this.search();
            },
          },
          'Clear',
        ),
      ),
    );
    const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'bo-error', hidden: true });
    const status = el('p', { class: 'status', 'aria-live': 'polite', 'data-testid': 'bo-status' });
    this.rows = el('tbody', { 'data-testid': 'bo-rows' });
    const more = el(
      'button',
      { type: 'button', class: 'more', 'data-testid': 'bo-more', hidden: true },
      'Load more',
    );
    this.pager = new Pager<T>({
      rows: this.rows,
      more,
      status,
      error,
      source: () => ({ path: spec.path, filters: this.filters }),
      row: (item) => this.row(item),
      shown: (count) =>
        count === 0
          ? `No ${spec.name} match.`
          : `${count} ${count === 1 ? spec.name.slice(0, -1) : spec.name} shown, newest first.`,
    });
    this.root = el(
      'div',
      { class: 'backoffice-view', 'data-testid': `bo-view-${spec.name}`, hidden: true },
      this.form,
      error,
      status,
      el(
        'div',
        { class: 'scroll' },
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              spec.columns.map((c) => el('th', {}, c)),
            ),
          ),
          this.rows,
        ),
        more,
      ),
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
  }

  get loaded(): boolean {
    return this.pager.loaded;
  }

  reset(): void {
    this.form.reset();
    this.pager.clear();
  }

  private readFilters(): Record<string, string> {
    const data = new FormData(this.form);
    const filters: Record<string, string> = {};
    for (const field of this.spec.fields) {
      const value = data.get(field.name);
      const trimmed = typeof value === 'string' ? value.trim() : '';
      if (trimmed === '') {
        continue;
      }
      if (field.time) {
        const date = new Date(trimmed);
        if (Number.isNaN(date.getTime())) {
          throw new Error(`"${field.label}" is not a date`);
        }
        filters[field.name] = date.toISOString();
      } else {
        filters[field.name] = trimmed;
      }
    }
    return filters;
  }

  async search(): Promise<void> {
    try {
      this.filters = this.readFilters();
    } catch (error) {
      this.pager.showError(error);
      return;
    }
    await this.pager.restart();
  }

  private row(item: T, line?: string): HTMLTableRowElement {
    const row = el(
      'tr',
      { 'data-testid': 'bo-row', ...this.spec.attributes(item) },
      this.spec.cells(item, (id, said) => this.refresh(id, said)),
    );
    if (line) {
      row.lastElementChild?.append(
        el('p', { class: 'status', 'data-testid': 'bo-row-result', 'data-outcome': 'applied' }, line),
      );
    }
    return row;
  }

  /** After an action: the row as the API shows it now, with the action's answer in it. */
  private async refresh(id: string, line: string): Promise<void> {
    const current = this.rows.querySelector(`tr[data-id="${CSS.escape(id)}"]`);
    if (!current || !this.spec.one) {
      return;
    }
    try {
      const item = await api<T>(this.spec.one(id));
      current.replaceWith(this.row(item, line));
    } catch (error) {
      this.pager.showError(error);
    }
  }
}

export class BackOfficePanel implements Panel {
  private readonly lists: Record<ViewName, BackOfficeList<{ id: string }>>;
  private current: ViewName = 'accounts';

  constructor() {
    this.lists = {
      accounts: new BackOfficeList(ACCOUNTS),
      orders: new BackOfficeList(ORDERS),
      invoices: new BackOfficeList(INVOICES),
      services: new BackOfficeList(SERVICES),
    };
    $('backoffice-views').replaceChildren(...VIEWS.map((name) => this.lists[name].root));
    for (const button of document.querySelectorAll<HTMLElement>('[data-backoffice-view]')) {
      button.addEventListener('click', () => navigate(`#backoffice/${button.dataset.backofficeView ?? ''}`));
    }
  }

  reset(): void {
    for (const list of Object.values(this.lists)) {
      list.reset();
    }
  }

  async enter(view?: string): Promise<void> {
    this.current = VIEWS.find((name) => name === view) ?? 'accounts';
    for (const button of document.querySelectorAll<HTMLElement>('[data-backoffice-view]')) {
      button.setAttribute('aria-selected', String(button.dataset.backofficeView === this.current));
    }
    for (const name of VIEWS) {
      this.lists[name].root.hidden = name !== this.current;
    }
    const list = this.lists[this.current];
    if (!list.loaded) {
      await list.search();
    }
  }
}

// The event stream: newest first, filtered, a keyset page (PAGE_SIZE rows) at a time however long the log is.
import type { AuditEventView, EventRecords } from '../../admin-api.view.js';
import { api } from './api.js';
import { Pager } from './pager.js';
import {
  $,
  deadLetterMeta,
  el,
  json,
  messageOf,
  metaList,
  navigate,
  type Panel,
  position,
  shortId,
  text,
  when,
} from './dom.js';

type Filters = Record<string, string>;

/** The filters only the payload search (GET /v1/admin/audit/search) knows; with any of them the form searches. */
const SEARCH_FIELDS = ['id', 'path', 'value'];

export class EventsPanel implements Panel {
  private filters: Filters = {};
  private readonly pager = new Pager<AuditEventView>({
    rows: $('events-rows'),
    more: $<HTMLButtonElement>('events-more'),
    status: $('events-status'),
    error: $('events-error'),
    source: () => ({
      path: this.searching() ? '/v1/admin/audit/search' : '/v1/admin/audit/events',
      filters: this.filters,
    }),
    row: (item) => this.row(item),
    shown: (count) =>
      count === 0
        ? 'No events match.'
        : this.searching()
          ? `${count} ${count === 1 ? 'event' : 'events'} found, newest first.`
          : `${count} events shown, newest first.`,
  });

  constructor() {
    const form = $<HTMLFormElement>('events-filters');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
    // After the form has cleared its fields.
    form.addEventListener('reset', () => setTimeout(() => void this.search()));
    $('event-details-close').addEventListener('click', () => ($('event-details').hidden = true));
  }

  reset(): void {
    this.pager.clear();
    $('event-details').hidden = true;
  }

  async enter(): Promise<void> {
    if (!this.pager.loaded) {
      await this.search();
    }
  }

  private readFilters(): Filters {
    const form = new FormData($<HTMLFormElement>('events-filters'));
    const filters: Filters = {};
    for (const [name, value] of form.entries()) {
      const trimmed = typeof value === 'string' ? value.trim() : '';
      if (!trimmed) {
        continue;
      }
      if (name === 'from' || name === 'to') {
        const date = new Date(trimmed);
        if (Number.isNaN(date.getTime())) {
          throw new Error(`"${name}" is not a date`);
        }
        filters[name] = date.toISOString();
      } else {
        filters[name] = trimmed;
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
    $('event-details').hidden = true;
    await this.pager.restart();
  }

  /** With a filter only the payload search knows, the form searches (GET /v1/admin/audit/search). */
  private searching(): boolean {
    return SEARCH_FIELDS.some((name) => Object.hasOwn(this.filters, name));
  }

  private row(item: AuditEventView): HTMLTableRowElement {
    const stop = (handler: () => void) => (event: Event) => {
      event.stopPropagation();
      handler();
    };
    const { orderId, correlationId } = item;
    const row = el(
      'tr',
      {
        class: 'clickable',
        'data-testid': 'event-row',
        'data-id': item.id,
        'data-event-id': item.eventId,
        'data-type': item.type,
        'data-order-id': orderId,
        tabindex: 0,
      },
      el('td', { class: 'mono' }, when(item.occurredAt)),
      el(
        'td',
        {},
        el('code', { 'data-testid': 'event-type' }, text(item.type)),
        item.version ? ` v${item.version}` : '',
        item.deadLetter ? [' ', el('span', { class: 'badge dead-letter' }, 'dead letter')] : [],
        item.redriveCount > 0 ? [' ', el('span', { class: 'badge' }, `redriven #${item.redriveCount}`)] : [],
      ),
      el('td', { class: 'mono', title: text(item.tenantId) }, shortId(item.tenantId)),
      el(
        'td',
        { class: 'mono' },
        orderId
          ? el(
              'button',
              {
                type: 'button',
                class: 'link',
                title: `Timeline of order ${orderId}`,
                'data-testid': 'event-order-link',
                onclick: stop(() => navigate(`#order/${encodeURIComponent(orderId)}`)),
              },
              shortId(orderId),
            )
          : '—',
      ),
      el(
        'td',
        { class: 'mono' },
        correlationId
          ? el(
              'button',
              {
                type: 'button',
                class: 'link',
                title: `Every event of correlation ${correlationId}`,
                'data-testid': 'event-correlation-link',
                onclick: stop(() => this.filterBy({ correlationId })),
              },
              shortId(correlationId),
            )
          : '—',
      ),
      el('td', { class: 'mono' }, position(item.topic, item.partition, item.offset)),
    );
    const open = () => {
      for (const other of $('events-rows').querySelectorAll('tr.selected')) {
        other.classList.remove('selected');
      }
      row.classList.add('selected');
      void this.details(item);
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        open();
      }
    });
    return row;
  }

  private filterBy(filters: Filters): void {
    const form = $<HTMLFormElement>('events-filters');
    form.reset();
    for (const [name, value] of Object.entries(filters)) {
      const field = form.elements.namedItem(name);
      if (field instanceof HTMLInputElement) {
        field.value = value;
      }
    }
    navigate('#events');
    void this.search();
  }

  private async details(item: AuditEventView): Promise<void> {
    $('event-details').hidden = false;
    $('event-details-title').textContent = text(item.type);
    $('event-details-meta').replaceChildren(
      ...metaList({
        'Event id': item.eventId,
        Version: item.version,
        Topic: position(item.topic, item.partition, item.offset),
        Tenant: item.tenantId,
        'Correlation id': item.correlationId,
        'Causation id': item.causationId,
        'Order id': item.orderId,
        Occurred: when(item.occurredAt),
        Recorded: when(item.recordedAt),
        ...deadLetterMeta(item.deadLetter),
      }),
    );
    // A record that is not JSON has no payload, only its raw value.
    $('event-details-payload').textContent =
      item.payload === null && item.rawValue ? item.rawValue : json(item.payload);
    $('event-details-headers').textContent = json(item.headers);
    const records = $('event-details-records');
    if (!item.eventId) {
      records.textContent = 'This record carries no event id.';
      return;
    }
    records.textContent = 'Looking for other records of this event…';
    try {
      const all = await api<EventRecords>(`/v1/admin/audit/events/${encodeURIComponent(item.eventId)}`);
      records.textContent =
        all.records.length <= 1
          ? 'Recorded once.'
          : `Recorded ${all.records.length} times: ${all.records
              .map(
                (r) => `${position(r.topic, r.partition, r.offset)}${r.deadLetter ? ' (dead letter)' : ''}`,
              )
              .join('; ')}`;
    } catch (error) {
      records.textContent = `Other records could not be loaded: ${messageOf(error)}`;
    }
  }
}

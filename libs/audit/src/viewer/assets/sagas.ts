// Sagas, like Temporal UI's workflow list: this environment's order sagas by status, step, tenant, age or stuck, a
// keyset page at a time (#sagas); one saga's state and its history with the operator's actions (#saga/<orderId>).
import type {
  SagaActionAppliedView,
  SagaActionView,
  SagaDetailView,
  SagaHistoryEntryView,
  SagaListItemView,
} from '../../saga-console.view.js';
import { reasonAction } from './actions.js';
import { api } from './api.js';
import { Pager } from './pager.js';
import {
  $,
  el,
  json,
  metaList,
  navigate,
  type Panel,
  setStatus,
  shortId,
  showError,
  text,
  when,
} from './dom.js';

const ACTIONS: { action: SagaActionView; label: string; prompt: string }[] = [
  { action: 'retry_step', label: 'Retry step', prompt: 'Why request the step again?' },
  { action: 'fire_timer', label: 'Fire timer', prompt: 'Why fire the timer now?' },
  { action: 'compensate', label: 'Compensate', prompt: 'Why undo what the saga did?' },
  { action: 'terminate', label: 'Terminate', prompt: 'Why stop the saga where it stands?' },
];

/** The saga of an order, as a link; the back office's orders show it too. */
export const sagaLink = (orderId: string, label: string = shortId(orderId)): HTMLElement =>
  el(
    'button',
    {
      type: 'button',
      class: 'link',
      title: `The saga of order ${orderId}`,
      'data-testid': 'saga-link',
      onclick: (event) => {
        event.stopPropagation();
        navigate(`#saga/${encodeURIComponent(orderId)}`);
      },
    },
    label,
  );

export const statusBadge = (status: string): HTMLElement =>
  el('span', { class: `badge saga-${status}`, 'data-testid': 'saga-status' }, status);

const stuckBadge = (saga: SagaListItemView): HTMLElement | string =>
  saga.stuck
    ? el(
        'span',
        { class: 'badge saga-stuck', 'data-testid': 'saga-stuck', title: `since ${when(saga.deadlineAt)}` },
        'stuck',
      )
    : '';

export class SagasPanel implements Panel {
  private filters: Record<string, string> = {};
  private readonly pager = new Pager<SagaListItemView>({
    rows: $('saga-rows'),
    more: $<HTMLButtonElement>('sagas-more'),
    status: $('sagas-status'),
    error: $('sagas-error'),
    source: () => ({ path: '/v1/admin/sagas', filters: this.filters }),
    row: (saga) => this.row(saga),
    shown: (count) =>
      count === 0 ? 'No sagas match.' : `${count} ${count === 1 ? 'saga' : 'sagas'} shown, newest first.`,
  });

  constructor() {
    const form = $<HTMLFormElement>('sagas-filters');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
    form.addEventListener('reset', () => setTimeout(() => void this.search()));
  }

  reset(): void {
    this.pager.clear();
  }

  async enter(): Promise<void> {
    if (!this.pager.loaded) {
      await this.search();
    }
  }

  private readFilters(): Record<string, string> {
    const form = new FormData($<HTMLFormElement>('sagas-filters'));
    const filters: Record<string, string> = {};
    for (const [name, value] of form.entries()) {
      const trimmed = typeof value === 'string' ? value.trim() : '';
      if (trimmed === '') {
        continue;
      }
      if (name === 'olderThanMinutes') {
        const minutes = Number(trimmed);
        if (!Number.isFinite(minutes) || minutes < 0) {
          throw new Error('"Older than" is a number of minutes');
        }
        filters.olderThan = String(Math.round(minutes * 60));
      } else {
        filters[name] = trimmed;
      }
    }
    return filters;
  }

  private async search(): Promise<void> {
    try {
      this.filters = this.readFilters();
    } catch (error) {
      this.pager.showError(error);
      return;
    }
    await this.pager.restart();
  }

  private row(saga: SagaListItemView): HTMLTableRowElement {
    const open = () => navigate(`#saga/${encodeURIComponent(saga.orderId)}`);
    const row = el(
      'tr',
      {
        class: 'clickable',
        tabindex: 0,
        'data-testid': 'saga-row',
        'data-order-id': saga.orderId,
        'data-status': saga.status,
        'data-step': saga.step,
        'data-tenant-id': saga.tenantId,
        'data-stuck': String(saga.stuck),
        onclick: open,
        onkeydown: (event) => {
          if ((event as KeyboardEvent).key === 'Enter') {
            open();
          }
        },
      },
      el('td', { class: 'mono' }, sagaLink(saga.orderId, saga.orderId)),
      el('td', {}, statusBadge(saga.status), ' ', stuckBadge(saga)),
      el('td', { 'data-testid': 'saga-step' }, text(saga.step)),
      el('td', { class: 'mono', title: saga.tenantId }, shortId(saga.tenantId)),
      el('td', { class: 'mono' }, saga.timer ? `${saga.timer.kind} at ${when(saga.timer.at)}` : '—'),
      el('td', { class: 'mono' }, when(saga.deadlineAt)),
      el('td', { class: 'mono' }, when(saga.createdAt)),
      el('td', { class: 'mono' }, when(saga.updatedAt)),
    );
    return row;
  }
}

/** A history row's detail in one line: verdict and reason of a decision, the timer, or the operator's action. */
function detailLine(entry: SagaHistoryEntryView): string {
  const d = entry.detail;
  const str = (value: unknown): string =>
    typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
  switch (entry.kind) {
    case 'operator': {
      const actor =
        typeof d.actor === 'object' && d.actor !== null ? (d.actor as { userId?: unknown }).userId : null;
      const refusal = d.outcome === 'refused' ? ` — ${str(d.refusal)}: ${str(d.refusalReason)}` : '';
      return `${str(d.action)} by ${str(actor) || '?'}: “${str(d.reason)}” → ${str(d.outcome)}${refusal}`;
    }
    case 'timer_set':
      return `${str(d.timer)} at ${when(str(d.at))}`;
    case 'timer_fired':
      return `${str(d.timer)} fired`;
    case 'decision':
    case 'retry':
    case 'compensation': {
      const published =
        Array.isArray(d.published) && d.published.length > 0
          ? ` → published ${d.published.map(str).join(', ')}`
          : '';
      return `${str(d.verdict)}: ${str(d.reason)}${published}`;
    }
  }
}

const transition = (before: string | null, after: string): string =>
  before === after ? after : `${before ?? '∅'} → ${after}`;

export class SagaPanel implements Panel {
  private orderId: string | null = null;
  private generation = 0;

  constructor() {
    $('saga-back').addEventListener('click', () => navigate('#sagas'));
    $('saga-refresh').addEventListener('click', () => {
      if (this.orderId) {
        void this.show(this.orderId);
      }
    });
  }

  reset(): void {
    this.generation++;
    this.orderId = null;
    $('saga-detail').hidden = true;
    $('saga-history').replaceChildren();
    $('saga-actions').replaceChildren();
    setStatus('saga-status-line', '');
    showError('saga-error', null);
  }

  async enter(orderId?: string): Promise<void> {
    if (!orderId) {
      navigate('#sagas');
      return;
    }
    if (orderId !== this.orderId) {
      this.reset();
      this.orderId = orderId;
      $('saga-actions').replaceChildren(...ACTIONS.map((a) => this.action(orderId, a)));
    }
    await this.show(orderId);
  }

  private action(orderId: string, spec: (typeof ACTIONS)[number]): HTMLElement {
    return reasonAction<SagaActionAppliedView>({
      ...spec,
      send: (reason) =>
        api<SagaActionAppliedView>(`/v1/admin/sagas/${encodeURIComponent(orderId)}/actions`, {
          method: 'POST',
          body: { action: spec.action, reason },
        }),
      done: (r) =>
        `Applied (202): ${r.verdict}, ${r.decision}; now ${r.status} at ${r.step}` +
        (r.published.length ? `, published ${r.published.join(', ')}` : '') +
        ` (event ${r.eventId}).`,
      after: () => this.show(orderId),
    });
  }

  private async show(orderId: string): Promise<void> {
    const generation = ++this.generation;
    showError('saga-error', null);
    setStatus('saga-status-line', 'Loading the saga…');
    try {
      const saga = await api<SagaDetailView>(`/v1/admin/sagas/${encodeURIComponent(orderId)}`);
      if (generation !== this.generation) {
        return;
      }
      const detail = $('saga-detail');
      detail.dataset.orderId = saga.orderId;
      detail.dataset.status = saga.status;
      detail.dataset.step = saga.step;
      $('saga-title').textContent = saga.orderId;
      $<HTMLAnchorElement>('saga-order-link').href = `#order/${encodeURIComponent(saga.orderId)}`;
      $('saga-head-status').replaceChildren(statusBadge(saga.status), ' ', stuckBadge(saga));
      $('saga-meta').replaceChildren(
        ...metaList({
          Step: saga.step,
          Tenant: saga.tenantId,
          'Correlation id': saga.correlationId,
          Definition: `${saga.definition} v${saga.definitionVersion}`,
          Timer: saga.timer ? `${saga.timer.kind} at ${when(saga.timer.at)}` : null,
          'Stuck after': when(saga.deadlineAt),
          Compensations: saga.compensations.join(', ') || null,
          Failure: saga.failure
            ? `${saga.failure.step}: ${saga.failure.reason} — ${saga.failure.message}`
            : null,
          Started: when(saga.createdAt),
          Updated: when(saga.updatedAt),
        }),
      );
      $('saga-data').textContent = json(saga.data);
      $('saga-history').replaceChildren(...saga.history.map((entry) => this.entry(entry)));
      detail.hidden = false;
      setStatus('saga-status-line', `${saga.history.length} history entries, oldest first.`);
    } catch (error) {
      if (generation === this.generation) {
        $('saga-detail').hidden = true;
        setStatus('saga-status-line', '');
        showError('saga-error', error);
      }
    }
  }

  private entry(entry: SagaHistoryEntryView): HTMLTableRowElement {
    return el(
      'tr',
      {
        'data-testid': 'saga-history-entry',
        'data-kind': entry.kind,
        'data-status-after': entry.statusAfter,
        'data-cause-type': entry.causeType,
      },
      el('td', { class: 'mono' }, when(entry.at)),
      el(
        'td',
        {},
        el('span', { class: `badge history-${entry.kind}`, 'data-testid': 'saga-history-kind' }, entry.kind),
      ),
      el('td', { class: 'mono' }, transition(entry.statusBefore, entry.statusAfter)),
      el('td', { class: 'mono' }, transition(entry.stepBefore, entry.stepAfter)),
      el(
        'td',
        {},
        el('code', {}, text(entry.causeType)),
        entry.causeEventId
          ? el('div', { class: 'mono meta', title: entry.causeEventId }, shortId(entry.causeEventId))
          : '',
      ),
      el('td', { 'data-testid': 'saga-history-detail' }, detailLine(entry)),
    );
  }
}

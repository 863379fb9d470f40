// Dead letters: a keyset page at a time, each with the Redrive action (also offered on an order's timeline).
import type { AdminActionView, DeadLetterListItem, RedriveAccepted } from '../../admin-api.view.js';
import { api } from './api.js';
import { BulkRedrive } from './bulk-redrive.js';
import { Pager } from './pager.js';
import { $, el, messageOf, type Panel, position, text, when } from './dom.js';

/** One operator action already taken on a record, e.g. an earlier redrive. */
export function actionLine(action: AdminActionView): HTMLLIElement {
  const actor = `${text(action.actor.role)} ${text(action.actor.userId)}`;
  const reason = action.reason ? `: ${action.reason}` : '';
  const detail = action.detail ? ` (${action.detail})` : '';
  return el(
    'li',
    {},
    `${text(action.action)} by ${actor} at ${when(action.at)}${reason} → ${text(action.result)}${detail}`,
  );
}

/** The Redrive button and the reason it asks for; the result replaces the form. `id` is the dead letter's row. */
export function redriveControl({ id }: { id: string }): HTMLDivElement {
  const result = el('span', { class: 'status', 'data-testid': 'redrive-result' });
  const reason = el('input', {
    name: 'reason',
    required: true,
    minlength: 3,
    maxlength: 500,
    placeholder: 'Why redrive it?',
    'data-testid': 'redrive-reason',
  });
  const submit = el('button', { type: 'submit', 'data-testid': 'redrive-confirm' }, 'Send again');
  const form = el(
    'form',
    { class: 'redrive-form', hidden: true, 'data-testid': 'redrive-form' },
    reason,
    submit,
    el('button', { type: 'button', class: 'secondary', onclick: () => (form.hidden = true) }, 'Cancel'),
  );
  const open = el(
    'button',
    {
      type: 'button',
      'data-testid': 'redrive-button',
      onclick: (event) => {
        event.stopPropagation();
        form.hidden = false;
        reason.focus();
      },
    },
    'Redrive',
  );
  form.addEventListener('click', (event) => event.stopPropagation());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      submit.disabled = true;
      try {
        const sent = await api<RedriveAccepted>(`/v1/admin/dlq/${encodeURIComponent(id)}/redrive`, {
          method: 'POST',
          body: { reason: reason.value.trim() },
        });
        form.hidden = true;
        open.disabled = true;
        result.className = 'status';
        result.textContent = `Sent again to ${text(sent.redrivenTo)} (action ${text(sent.actionId)}).`;
      } catch (error) {
        result.className = 'error';
        result.textContent = messageOf(error);
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return el('div', { class: 'redrive' }, open, form, result);
}

export class DeadLettersPanel implements Panel {
  private topic = '';
  private readonly bulk = new BulkRedrive(() => this.search());
  private readonly pager = new Pager<DeadLetterListItem>({
    rows: $('dlq-rows'),
    more: $<HTMLButtonElement>('dlq-more'),
    status: $('dlq-status'),
    error: $('dlq-error'),
    source: () => ({ path: '/v1/admin/dlq', filters: { topic: this.topic } }),
    row: (item) => this.row(item),
    shown: (count) => (count === 0 ? 'No dead letters.' : `${count} dead letters shown, newest first.`),
  });

  constructor() {
    $('dlq-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
  }

  reset(): void {
    this.bulk.reset();
    this.pager.clear();
  }

  async enter(): Promise<void> {
    await this.search();
  }

  private async search(): Promise<void> {
    const topic = new FormData($<HTMLFormElement>('dlq-filters')).get('topic');
    this.topic = typeof topic === 'string' ? topic.trim() : '';
    await this.pager.restart();
  }

  private row(item: DeadLetterListItem): HTMLTableRowElement {
    const letter = item.deadLetter;
    return el(
      'tr',
      { 'data-testid': 'dlq-row', 'data-id': item.id, 'data-event-id': item.eventId, 'data-type': item.type },
      el('td', { class: 'mono' }, when(item.occurredAt)),
      el('td', {}, el('code', {}, text(item.type))),
      el(
        'td',
        { class: 'mono' },
        position(letter?.originalTopic, letter?.originalPartition, letter?.originalOffset),
      ),
      el('td', { class: 'mono' }, text(letter?.consumerGroup)),
      el('td', { 'data-testid': 'dlq-error-text' }, text(letter?.error)),
      el('td', {}, text(letter?.attempts)),
      el('td', {}, text(letter?.redriveCount)),
      el(
        'td',
        {},
        item.redriven ? el('span', { class: 'badge', 'data-testid': 'dlq-redriven' }, 'redriven') : '',
        redriveControl(item),
      ),
    );
  }
}

// Bulk redrive of the Dead letters tab: a selection (type, part of the error, when dead-lettered), its dry run — how
// many would go back, which would be refused and why — and then, with a reason, the redrive of exactly the dead
// letters the dry run showed (their ids go with the selection). A selection larger than a batch (500) continues
// from the dry run's cursor.
import type { BulkRedriveItem, BulkRedriveResult } from '../../admin-api.view.js';
import { api } from './api.js';
import { $, el, showError, text } from './dom.js';

interface Selection {
  type?: string;
  error?: string;
  from?: string;
  to?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export class BulkRedrive {
  /** The dry run the confirm form redrives: its selection, where it started, what it showed. */
  private previewed: { selection: Selection; ids: string[]; nextCursor: string | null } | null = null;
  private cursor: string | null = null;

  /** `redriven`: what the tab does once dead letters went back (it lists them afresh). */
  constructor(private readonly redriven: () => Promise<void>) {
    const form = $<HTMLFormElement>('bulk-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.cursor = null;
      void this.dryRun();
    });
    // Another selection is another batch: its dry run has to be seen first.
    form.addEventListener('input', () => {
      this.cursor = null;
      this.clear();
    });
    $<HTMLFormElement>('bulk-confirm-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.confirm();
    });
    $('bulk-next-dry-run').addEventListener('click', () => void this.dryRun());
  }

  reset(): void {
    this.cursor = null;
    $<HTMLFormElement>('bulk-form').reset();
    this.clear();
    $('bulk-result').hidden = true;
  }

  private clear(): void {
    this.previewed = null;
    $('bulk-preview').hidden = true;
    $('bulk-items').replaceChildren();
    showError('bulk-error', null);
  }

  private selection(): Selection {
    const form = new FormData($<HTMLFormElement>('bulk-form'));
    const selection: Selection = {};
    for (const name of ['type', 'error', 'from', 'to'] as const) {
      const value = form.get(name);
      const trimmed = typeof value === 'string' ? value.trim() : '';
      if (trimmed === '') {
        continue;
      }
      if (name === 'from' || name === 'to') {
        const date = new Date(trimmed);
        if (Number.isNaN(date.getTime())) {
          throw new Error(`"${name}" is not a date`);
        }
        selection[name] = date.toISOString();
      } else {
        selection[name] = trimmed;
      }
    }
    if (Object.keys(selection).length === 0) {
      throw new Error('Select by a type, an error or a time range first');
    }
    return selection;
  }

  private post(body: object): Promise<BulkRedriveResult> {
    return api<BulkRedriveResult>('/v1/admin/dlq/redrive', { method: 'POST', body });
  }

  private async dryRun(): Promise<void> {
    this.clear();
    $('bulk-result').hidden = true;
    const button = $<HTMLButtonElement>('bulk-dry-run');
    button.disabled = true;
    try {
      const selection = this.selection();
      const cursor = this.cursor;
      const view = await this.post({ selection, dryRun: true, ...(cursor ? { cursor } : {}) });
      const ids = view.redriven.map((item) => item.id);
      this.previewed = { selection, ids, nextCursor: view.nextCursor };
      const more = view.nextCursor ? ' More dead letters match after this batch.' : '';
      $('bulk-summary').textContent =
        `Dry run${cursor ? ' of the next batch' : ''}: ${plural(ids.length, 'dead letter')} would be redriven, ` +
        `${view.refused.length} refused.${more}`;
      $('bulk-summary').dataset.count = String(ids.length);
      $('bulk-items').replaceChildren(
        ...view.redriven.map((item) => this.item(item, `would go back to ${item.redrivenTo}`, 'redrivable')),
        ...view.refused.map((item) => this.item(item, `refused (${item.code}): ${item.detail}`, 'refused')),
      );
      $<HTMLButtonElement>('bulk-confirm').disabled = ids.length === 0;
      $<HTMLButtonElement>('bulk-confirm').textContent = `Redrive ${plural(ids.length, 'dead letter')}`;
      $<HTMLInputElement>('bulk-reason').value = '';
      $('bulk-preview').hidden = false;
    } catch (error) {
      showError('bulk-error', error);
    } finally {
      button.disabled = false;
    }
  }

  private item(item: BulkRedriveItem, outcome: string, kind: 'redrivable' | 'refused'): HTMLTableRowElement {
    return el(
      'tr',
      { 'data-testid': 'bulk-item', 'data-id': item.id, 'data-outcome': kind },
      el('td', { class: 'mono' }, item.id),
      el('td', {}, el('code', {}, text(item.type))),
      el('td', { class: 'mono' }, text(item.topic)),
      el('td', { class: kind === 'refused' ? 'error' : '' }, outcome),
    );
  }

  private async confirm(): Promise<void> {
    const previewed = this.previewed;
    if (!previewed || previewed.ids.length === 0) {
      return;
    }
    const button = $<HTMLButtonElement>('bulk-confirm');
    button.disabled = true;
    try {
      const reason = $<HTMLInputElement>('bulk-reason').value.trim();
      const view = await this.post({
        selection: { ...previewed.selection, ids: previewed.ids },
        dryRun: false,
        reason,
      });
      this.clear();
      this.cursor = previewed.nextCursor;
      const summary = $('bulk-result-summary');
      summary.textContent =
        `Redriven: ${view.redriven.length}, refused: ${view.refused.length}` +
        ` (action ${text(view.actionId)}).`;
      summary.dataset.redriven = String(view.redriven.length);
      summary.dataset.refused = String(view.refused.length);
      $('bulk-refused').replaceChildren(
        ...view.refused.map((item) =>
          el(
            'li',
            { 'data-testid': 'bulk-refused-item', 'data-id': item.id },
            `${item.id} ${text(item.type)}: refused (${item.code}) — ${item.detail}`,
          ),
        ),
      );
      $('bulk-next').hidden = previewed.nextCursor === null;
      $('bulk-next-cursor').textContent = previewed.nextCursor
        ? `More dead letters match after ${previewed.nextCursor} (next cursor).`
        : '';
      $('bulk-result').hidden = false;
      await this.redriven();
    } catch (error) {
      showError('bulk-error', error);
    } finally {
      button.disabled = false;
    }
  }
}

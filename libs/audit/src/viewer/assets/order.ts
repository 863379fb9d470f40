// An order's timeline in causal order, with the redrive of its dead letters and the replay of its events.
import type {
  OrderTimeline,
  ReplayRequested,
  ReplayView,
  TimelineEntry,
  TimelineKind,
} from '../../admin-api.view.js';
import { api } from './api.js';
import { actionLine, redriveControl } from './dlq.js';
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
  setStatus,
  showError,
  text,
  when,
} from './dom.js';

const REPLAY_POLL_MS = 500;
const REPLAY_TIMEOUT_MS = 30_000;
const KIND_LABELS: Record<TimelineKind, string> = {
  order: 'order',
  saga_step: 'saga step',
  compensation: 'compensation',
  dead_letter: 'dead letter',
  event: 'event',
};

export class OrderPanel implements Panel {
  private orderId: string | null = null;

  constructor() {
    $('order-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const orderId = $<HTMLInputElement>('order-id').value.trim();
      if (orderId) {
        // The same order again is shown afresh.
        this.orderId = null;
        navigate(`#order/${encodeURIComponent(orderId)}`);
      }
    });
    $('replay-button').addEventListener('click', () => void this.replay());
  }

  reset(): void {
    this.orderId = null;
    $('timeline').replaceChildren();
    $('order-summary').hidden = true;
    $('replay-result').hidden = true;
    setStatus('order-status', '');
    showError('order-error', null);
  }

  async enter(orderId?: string): Promise<void> {
    if (orderId && orderId !== this.orderId) {
      $<HTMLInputElement>('order-id').value = orderId;
      await this.show(orderId);
    }
  }

  private async show(orderId: string): Promise<void> {
    this.reset();
    this.orderId = orderId;
    setStatus('order-status', 'Loading the timeline…');
    try {
      const timeline = await api<OrderTimeline>(`/v1/admin/orders/${encodeURIComponent(orderId)}/timeline`);
      if (this.orderId !== orderId) {
        return;
      }
      $('order-summary-meta').replaceChildren(
        ...metaList({ 'Order id': timeline.orderId, 'Correlation id': timeline.correlationId }),
      );
      $('order-summary').hidden = false;
      $('timeline').replaceChildren(...timeline.entries.map((entry) => this.entry(entry)));
      setStatus(
        'order-status',
        timeline.entries.length === 0
          ? 'No events recorded for this order yet.'
          : `${timeline.entries.length} events in causal order.`,
      );
    } catch (error) {
      setStatus('order-status', '');
      showError('order-error', error);
    }
  }

  private entry(entry: TimelineEntry): HTMLLIElement {
    // A kind this page does not know yet (a newer server) is shown as a plain event.
    const kind: TimelineKind = Object.hasOwn(KIND_LABELS, entry.kind) ? entry.kind : 'event';
    const item = el(
      'li',
      {
        class: `kind-${kind}`,
        'data-testid': 'timeline-entry',
        'data-id': entry.id,
        'data-event-id': entry.eventId,
        'data-causation-id': entry.causationId,
        'data-type': entry.type,
        'data-kind': kind,
        'data-depth': entry.depth,
      },
      el(
        'div',
        { class: 'line' },
        el('span', { class: `badge kind-${kind}`, 'data-testid': 'timeline-kind' }, KIND_LABELS[kind]),
        el('span', { class: 'label', 'data-testid': 'timeline-label' }, text(entry.label)),
        el('code', { 'data-testid': 'timeline-type' }, text(entry.type)),
        el('span', { class: 'meta' }, when(entry.occurredAt)),
        el('span', { class: 'meta' }, position(entry.topic, entry.partition, entry.offset)),
      ),
      el(
        'details',
        {},
        el('summary', {}, 'payload and headers'),
        el('dl', {}, ...metaList({ 'Event id': entry.eventId, ...deadLetterMeta(entry.deadLetter) })),
        el('pre', { 'data-testid': 'timeline-payload' }, json(entry.payload)),
        el('pre', {}, json(entry.headers)),
      ),
    );
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    item.style.setProperty('--depth', String(Math.max(0, Math.min(Number(entry.depth) || 0, 12))));
    if (entry.actions.length > 0) {
      item.append(
        el('ul', { class: 'actions', 'data-testid': 'timeline-actions' }, entry.actions.map(actionLine)),
      );
    }
    if (entry.deadLetter) {
      item.append(redriveControl(entry));
    }
    return item;
  }

  private async replay(): Promise<void> {
    const orderId = this.orderId;
    if (orderId === null) {
      return;
    }
    const button = $<HTMLButtonElement>('replay-button');
    const result = $('replay-result');
    button.disabled = true;
    result.hidden = false;
    result.replaceChildren(el('p', { class: 'status' }, 'Replaying the order’s events…'));
    try {
      const started = await api<ReplayRequested>(`/v1/admin/orders/${encodeURIComponent(orderId)}/replays`, {
        method: 'POST',
      });
      const deadline = Date.now() + REPLAY_TIMEOUT_MS;
      const poll = () => api<ReplayView>(`/v1/admin/replays/${encodeURIComponent(started.replayId)}`);
      let replay = await poll();
      while (replay.status !== 'done' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
        replay = await poll();
      }
      if (this.orderId === orderId) {
        result.replaceChildren(...replayReport(replay));
      }
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error', role: 'alert' }, messageOf(error)));
    } finally {
      button.disabled = false;
    }
  }
}

function replayReport(replay: ReplayView): HTMLElement[] {
  if (replay.status !== 'done') {
    return [
      el(
        'p',
        { class: 'status', 'data-testid': 'replay-status' },
        `Replay ${replay.replayId} is still pending.`,
      ),
    ];
  }
  const verdict =
    replay.matches === true
      ? el(
          'p',
          { class: 'match', 'data-testid': 'replay-matches' },
          'The replayed events fold to the stored state.',
        )
      : replay.matches === false
        ? el(
            'p',
            { class: 'mismatch', 'data-testid': 'replay-matches' },
            'The replayed state differs from the stored one.',
          )
        : el('p', { class: 'status', 'data-testid': 'replay-matches' }, 'Nothing stored to compare with.');
  const parts: HTMLElement[] = [verdict];
  if (replay.differences.length) {
    parts.push(
      el(
        'table',
        { 'data-testid': 'replay-differences' },
        el(
          'thead',
          {},
          el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'From the log'), el('th', {}, 'Stored')),
        ),
        el(
          'tbody',
          {},
          replay.differences.map((d) =>
            el(
              'tr',
              {},
              el('td', { class: 'mono' }, text(d.field)),
              el('td', {}, el('code', {}, JSON.stringify(d.logged))),
              el('td', {}, el('code', {}, JSON.stringify(d.stored))),
            ),
          ),
        ),
      ),
    );
  }
  parts.push(
    el(
      'details',
      {},
      el('summary', {}, 'folded from the log and stored'),
      el('pre', {}, json({ folded: replay.folded, stored: replay.stored })),
    ),
  );
  return parts;
}

// Consumer groups: every consumer group of the app with its state, members and lag per topic and partition, as the
// broker reports it (GET /v1/admin/consumers/groups, the same view as one group's); one group's members and
// partitions (#consumers/<groupId>), and moving its offsets: always a dry run first, then a reason.
import type {
  ConsumerGroupDetailView as ConsumerGroupView,
  ConsumerGroupsView,
  PartitionPositionView as PartitionPosition,
} from '../../admin-api.view.js';
import { ApiError, api } from './api.js';
import { $, el, messageOf, metaList, navigate, type Panel, setStatus, showError, text } from './dom.js';

const lagClass = (lag: number) => (lag > 0 ? 'lag-behind' : 'lag-zero');

/** POST /v1/admin/consumers/groups/:groupId/offsets (OffsetResetView). */
interface OffsetResetView {
  groupId: string;
  dryRun: boolean;
  target: string;
  reconsumed: number;
  skipped: number;
  partitions: (PartitionPosition & { targetOffset: number; reconsumed: number; skipped: number })[];
  actionId: string | null;
}

/** The move the dry run showed: the real one sends exactly this, with the reason. */
type ResetRequest = { to: string; time?: string; offset?: number; topics?: string[] };

export class ConsumersPanel implements Panel {
  private groupId: string | null = null;
  private previewed: ResetRequest | null = null;
  private generation = 0;

  constructor() {
    $('consumers-refresh').addEventListener(
      'click',
      () => void (this.groupId ? this.detail(this.groupId) : this.load()),
    );
    $('group-back').addEventListener('click', () => navigate('#consumers'));
    const form = $<HTMLFormElement>('reset-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.dryRun();
    });
    // A changed form is a different move: its dry run has to be seen again before it can be made.
    form.addEventListener('input', () => this.clearPreview());
    $<HTMLFormElement>('reset-confirm-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.confirm();
    });
  }

  reset(): void {
    this.generation++;
    this.groupId = null;
    $('consumer-groups').replaceChildren();
    $('group-detail').hidden = true;
    $('consumer-groups').hidden = false;
    $<HTMLFormElement>('reset-form').reset();
    this.clearPreview();
    setStatus('consumers-status', '');
    showError('consumers-error', null);
  }

  async enter(groupId?: string): Promise<void> {
    this.groupId = groupId ?? null;
    $<HTMLFormElement>('reset-form').reset();
    this.clearPreview();
    $('reset-result').hidden = true;
    if (groupId) {
      await this.detail(groupId);
    } else {
      $('group-detail').hidden = true;
      $('consumer-groups').hidden = false;
      await this.load();
    }
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    showError('consumers-error', null);
    setStatus('consumers-status', 'Loading…');
    try {
      const { groups } = await api<ConsumerGroupsView>('/v1/admin/consumers/groups');
      if (generation !== this.generation) {
        return;
      }
      $('consumer-groups').replaceChildren(...groups.map((group) => this.group(group)));
      const total = groups.reduce((sum, group) => sum + group.lag, 0);
      setStatus(
        'consumers-status',
        groups.length === 0
          ? 'No consumer groups.'
          : `${groups.length} consumer groups, ${total} records behind in all.`,
      );
    } catch (error) {
      setStatus('consumers-status', '');
      showError('consumers-error', error);
    }
  }

  private group(group: ConsumerGroupView): HTMLElement {
    return el(
      'section',
      {
        class: 'group',
        'data-testid': 'consumer-group',
        'data-group-id': group.groupId,
        'data-state': group.state,
        'data-members': group.members.length,
      },
      el(
        'h3',
        {},
        el('code', { 'data-testid': 'consumer-group-id' }, text(group.groupId)),
        el(
          'span',
          { class: 'badge', 'data-testid': 'consumer-group-state' },
          `${group.state}, ${group.members.length} ${group.members.length === 1 ? 'member' : 'members'}`,
        ),
        el(
          'span',
          { class: lagClass(group.lag), 'data-testid': 'consumer-group-lag' },
          `lag ${text(group.lag)}`,
        ),
        el(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-testid': 'consumer-group-open',
            onclick: () => navigate(`#consumers/${encodeURIComponent(group.groupId)}`),
          },
          'Members, offsets…',
        ),
      ),
      group.partitions.length === 0
        ? el('p', { class: 'status' }, 'No committed offsets yet.')
        : el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                el('th', {}, 'Topic'),
                el('th', {}, 'Partition'),
                el('th', {}, 'Committed'),
                el('th', {}, 'End'),
                el('th', {}, 'Lag'),
              ),
            ),
            el(
              'tbody',
              {},
              group.partitions.map((p) =>
                el(
                  'tr',
                  {
                    'data-testid': 'consumer-partition',
                    'data-topic': p.topic,
                    'data-partition': p.partition,
                  },
                  el('td', { class: 'mono' }, text(p.topic)),
                  el('td', {}, text(p.partition)),
                  el('td', {}, text(p.committedOffset)),
                  el('td', {}, text(p.endOffset)),
                  el('td', { class: lagClass(p.lag) }, text(p.lag)),
                ),
              ),
            ),
          ),
    );
  }

  private async detail(groupId: string): Promise<void> {
    const generation = ++this.generation;
    showError('consumers-error', null);
    setStatus('consumers-status', `Loading ${groupId}…`);
    try {
      const group = await api<ConsumerGroupView>(`/v1/admin/consumers/groups/${encodeURIComponent(groupId)}`);
      if (generation !== this.generation) {
        return;
      }
      $('consumer-groups').hidden = true;
      $('group-detail').hidden = false;
      $('group-detail').dataset.groupId = group.groupId;
      $('group-detail-id').textContent = group.groupId;
      $('group-detail-meta').replaceChildren(
        ...metaList({ State: group.state, Members: group.members.length, Lag: group.lag }),
      );
      $('group-members').replaceChildren(
        ...group.members.map((member) =>
          el(
            'tr',
            { 'data-testid': 'group-member' },
            el('td', { class: 'mono' }, text(member.clientId)),
            el('td', { class: 'mono' }, text(member.host)),
            el(
              'td',
              { class: 'mono', 'data-testid': 'group-member-assignment' },
              member.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '—',
            ),
          ),
        ),
      );
      $('group-members-none').hidden = group.members.length > 0;
      $('group-partitions').replaceChildren(
        ...group.partitions.map((p) =>
          el(
            'tr',
            {
              'data-testid': 'group-partition',
              'data-topic': p.topic,
              'data-partition': p.partition,
              'data-committed': p.committedOffset ?? '',
            },
            el('td', { class: 'mono' }, p.topic),
            el('td', {}, text(p.partition)),
            el('td', {}, text(p.committedOffset)),
            el('td', {}, text(p.endOffset)),
            el('td', { class: lagClass(p.lag) }, text(p.lag)),
          ),
        ),
      );
      setStatus(
        'consumers-status',
        `${group.groupId}: ${group.state}, ${group.members.length} members, lag ${group.lag}.`,
      );
    } catch (error) {
      if (generation === this.generation) {
        $('group-detail').hidden = true;
        setStatus('consumers-status', '');
        showError('consumers-error', error);
      }
    }
  }

  private request(): ResetRequest {
    const form = new FormData($<HTMLFormElement>('reset-form'));
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const request: ResetRequest = { to: field('to') };
    if (request.to === 'time') {
      const date = new Date(field('time'));
      if (Number.isNaN(date.getTime())) {
        throw new Error('Moving to a time needs the time');
      }
      request.time = date.toISOString();
    }
    if (request.to === 'offset') {
      if (!/^\d+$/.test(field('offset'))) {
        throw new Error('Moving to an offset needs the offset (0 or more)');
      }
      request.offset = Number(field('offset'));
    }
    const topics = field('topics')
      .split(/[\s,]+/)
      .filter((topic) => topic !== '');
    if (topics.length > 0) {
      request.topics = topics;
    }
    return request;
  }

  private clearPreview(): void {
    this.previewed = null;
    $('reset-preview').hidden = true;
    $('reset-moves').replaceChildren();
    showError('reset-error', null);
  }

  private post(request: ResetRequest & { dryRun: boolean; reason?: string }): Promise<OffsetResetView> {
    return api<OffsetResetView>(
      `/v1/admin/consumers/groups/${encodeURIComponent(this.groupId ?? '')}/offsets`,
      { method: 'POST', body: request },
    );
  }

  /** A 409 group-active says which members hold the group: they have to stop first. */
  private resetError(error: unknown): void {
    showError(
      'reset-error',
      error instanceof ApiError && error.problem?.code === 'group-active'
        ? `${typeof error.problem.title === 'string' ? error.problem.title : 'The consumer group has members'} — ${messageOf(error)}`
        : error,
    );
  }

  private async dryRun(): Promise<void> {
    this.clearPreview();
    $('reset-result').hidden = true;
    const button = $<HTMLButtonElement>('reset-dry-run');
    button.disabled = true;
    try {
      const request = this.request();
      const view = await this.post({ ...request, dryRun: true });
      this.previewed = request;
      $('reset-summary').textContent =
        `Dry run: moving to ${view.target} would re-consume ${view.reconsumed} and skip ${view.skipped} records.`;
      $('reset-moves').replaceChildren(
        ...view.partitions.map((move) =>
          el(
            'tr',
            { 'data-testid': 'reset-move', 'data-topic': move.topic, 'data-partition': move.partition },
            el('td', { class: 'mono' }, move.topic),
            el('td', {}, text(move.partition)),
            el('td', {}, text(move.committedOffset)),
            el('td', { 'data-testid': 'reset-move-target' }, text(move.targetOffset)),
            el('td', {}, text(move.reconsumed)),
            el('td', { class: move.skipped > 0 ? 'lag-behind' : '' }, text(move.skipped)),
          ),
        ),
      );
      $<HTMLInputElement>('reset-reason').value = '';
      $('reset-preview').hidden = false;
    } catch (error) {
      this.resetError(error);
    } finally {
      button.disabled = false;
    }
  }

  private async confirm(): Promise<void> {
    const request = this.previewed;
    if (!request || !this.groupId) {
      return;
    }
    const button = $<HTMLButtonElement>('reset-confirm');
    button.disabled = true;
    try {
      const reason = $<HTMLInputElement>('reset-reason').value.trim();
      const view = await this.post({ ...request, dryRun: false, reason });
      this.clearPreview();
      const result = $('reset-result');
      result.textContent = `Moved to ${view.target}: ${view.reconsumed} to re-consume, ${view.skipped} skipped (action ${text(view.actionId)}).`;
      result.hidden = false;
      await this.detail(this.groupId);
    } catch (error) {
      this.resetError(error);
    } finally {
      button.disabled = false;
    }
  }
}

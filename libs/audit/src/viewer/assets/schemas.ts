// The event catalog (#schemas, #schemas/<type>): every event type with its producer, consumers and versions, and one
// type's JSON Schemas, examples and topic settings. Schemas and examples are shown as text (pretty-printed JSON).
import type {
  EventSchemaDetailView,
  EventSchemaSummary,
  EventSchemaVersionView,
  SchemaCatalogView,
  TopicSettingsView,
} from '../../schema-browser.view.js';
import { api } from './api.js';
import { $, el, json, metaList, navigate, type Panel, setStatus, showError, text } from './dom.js';

const list = (values: string[]) => (values.length ? values.join(', ') : '—');
const forever = (value: number, unit: string) => (value < 0 ? 'unlimited' : `${value} ${unit}`);

export class SchemasPanel implements Panel {
  private generation = 0;

  constructor() {
    $('schemas-back').addEventListener('click', () => navigate('#schemas'));
  }

  reset(): void {
    this.generation++;
    $('schema-rows').replaceChildren();
    $('schemas-retired').replaceChildren();
    $('schema-detail').hidden = true;
    $('schemas-list').hidden = false;
    setStatus('schemas-status', '');
    showError('schemas-error', null);
  }

  async enter(type?: string): Promise<void> {
    const generation = ++this.generation;
    showError('schemas-error', null);
    if (type) {
      await this.detail(type, generation);
    } else {
      $('schema-detail').hidden = true;
      $('schemas-list').hidden = false;
      await this.list(generation);
    }
  }

  private async list(generation: number): Promise<void> {
    setStatus('schemas-status', 'Loading…');
    try {
      const catalog = await api<SchemaCatalogView>('/v1/admin/schemas');
      if (generation !== this.generation) {
        return;
      }
      $('schema-rows').replaceChildren(...catalog.events.map((event) => this.row(event)));
      $('schemas-retired').replaceChildren(
        ...catalog.retired.map((retired) =>
          el(
            'li',
            { 'data-testid': 'schema-retired', 'data-type': retired.type },
            el('code', {}, retired.type),
            ` — ${retired.reason}`,
          ),
        ),
      );
      setStatus('schemas-status', `${catalog.events.length} event types, ${catalog.retired.length} retired.`);
    } catch (error) {
      if (generation === this.generation) {
        setStatus('schemas-status', '');
        showError('schemas-error', error);
      }
    }
  }

  private row(event: EventSchemaSummary): HTMLTableRowElement {
    const open = () => navigate(`#schemas/${encodeURIComponent(event.type)}`);
    const row = el(
      'tr',
      { class: 'clickable', 'data-testid': 'schema-row', 'data-type': event.type, tabindex: 0 },
      el('td', {}, el('code', { 'data-testid': 'schema-type' }, event.type)),
      el('td', { 'data-testid': 'schema-versions' }, event.versions.map((v) => `v${v}`).join(' ')),
      el(
        'td',
        { 'data-testid': 'schema-producer' },
        event.producer,
        event.otherProducers.length ? ` (also ${list(event.otherProducers)})` : '',
      ),
      el(
        'td',
        { 'data-testid': 'schema-consumers' },
        event.logOnly
          ? el('span', { class: 'badge', title: event.logOnly, 'data-testid': 'schema-log-only' }, 'log only')
          : list(event.consumers),
      ),
      el('td', { class: 'mono' }, event.topic),
    );
    row.addEventListener('click', open);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        open();
      }
    });
    return row;
  }

  private async detail(type: string, generation: number): Promise<void> {
    setStatus('schemas-status', `Loading ${type}…`);
    try {
      const detail = await api<EventSchemaDetailView>(`/v1/admin/schemas/${encodeURIComponent(type)}`);
      if (generation !== this.generation) {
        return;
      }
      $('schemas-list').hidden = true;
      $('schema-detail').hidden = false;
      $('schema-detail').dataset.type = detail.type;
      $('schema-detail-title').textContent = detail.type;
      $('schema-detail-meta').replaceChildren(
        ...metaList({
          Description: detail.description,
          Subject: detail.subject,
          'Latest version': detail.latestVersion,
          Producer: detail.producer,
          'Also produced by': list(detail.otherProducers),
          Consumers: detail.logOnly ? `none — log only: ${detail.logOnly}` : list(detail.consumers),
        }),
      );
      $('schema-topics').replaceChildren(
        this.topic('Topic', detail.topic, detail.topics.topic, detail.configured),
        this.topic('Dead-letter topic', detail.dlqTopic, detail.topics.dlq, detail.configured),
      );
      $('schema-versions-list').replaceChildren(
        ...[...detail.schemas].reverse().map((version) => this.version(version)),
      );
      setStatus('schemas-status', `${detail.type}: ${detail.schemas.length} versions.`);
    } catch (error) {
      if (generation === this.generation) {
        $('schema-detail').hidden = true;
        setStatus('schemas-status', '');
        showError('schemas-error', error);
      }
    }
  }

  private topic(
    label: string,
    name: string,
    settings: TopicSettingsView | null,
    configured: EventSchemaDetailView['configured'],
  ): HTMLTableRowElement {
    const differs = (actual: number, wanted: number) =>
      el(
        'td',
        { class: actual === wanted ? '' : 'lag-behind', title: `configured: ${wanted}` },
        text(actual),
      );
    return el(
      'tr',
      { 'data-testid': 'schema-topic', 'data-topic': name },
      el('th', {}, label),
      el('td', { class: 'mono' }, name),
      settings
        ? [
            differs(settings.partitions, configured.partitions),
            differs(settings.replicationFactor, configured.replicationFactor),
            differs(settings.minInsyncReplicas, configured.minInsyncReplicas),
            el('td', {}, forever(settings.retentionMs, 'ms')),
            el('td', {}, forever(settings.retentionBytes, 'bytes')),
            el('td', {}, text(settings.cleanupPolicy)),
          ]
        : el('td', { colspan: 6, class: 'lag-behind' }, 'The broker has no such topic.'),
    );
  }

  private version(version: EventSchemaVersionView): HTMLElement {
    return el(
      'section',
      { class: 'schema-version', 'data-testid': 'schema-version', 'data-version': version.version },
      el('h4', {}, `Version ${version.version}`),
      el('p', { 'data-testid': 'schema-changes' }, version.changes ?? 'The first version.'),
      el(
        'div',
        { class: 'columns' },
        el(
          'div',
          {},
          el('h5', {}, 'JSON Schema'),
          el('pre', { 'data-testid': 'schema-json' }, json(version.jsonSchema)),
        ),
        el(
          'div',
          {},
          el('h5', {}, 'Example'),
          el('pre', { 'data-testid': 'schema-example' }, json(version.example)),
          version.version > 1
            ? [
                el('h5', {}, 'The previous version’s example, upcast'),
                el('pre', { 'data-testid': 'schema-upcast' }, json(version.upcastFromPrevious)),
              ]
            : [],
        ),
      ),
    );
  }
}

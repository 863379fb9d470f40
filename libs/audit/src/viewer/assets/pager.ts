// One keyset-paged list of the console (events, sagas, dead letters, the back office's lists): a newer search wins
// over an older one still in flight, "Load more" appends the next page from the cursor, and the status line says how
// many rows are shown.
import type { Page } from '../../admin-api.view.js';
import { api, PAGE_SIZE, query } from './api.js';
import { messageOf } from './dom.js';

export interface PagerParts<T> {
  rows: HTMLElement;
  more: HTMLButtonElement;
  status: HTMLElement;
  error: HTMLElement;
  /** Where the list's pages come from, with its filters as they are now (the cursor and limit are added). */
  source(): { path: string; filters: Record<string, string> };
  row(item: T): HTMLElement;
  /** The status line once `count` rows are shown (0 included). */
  shown(count: number): string;
}

export class Pager<T> {
  private cursor: string | null = null;
  /** A load started before the latest clear() drops its page. */
  private generation = 0;
  loaded = false;

  constructor(private readonly parts: PagerParts<T>) {
    parts.more.addEventListener('click', () => void this.load());
  }

  /** Forgets the rows, the cursor and whatever is still in flight. */
  clear(): void {
    this.generation++;
    this.loaded = false;
    this.cursor = null;
    this.parts.rows.replaceChildren();
    this.parts.more.hidden = true;
    this.parts.status.textContent = '';
    this.showError(null);
  }

  /** The first page again, for the filters as they are now. */
  async restart(): Promise<void> {
    this.clear();
    await this.load();
  }

  showError(error: unknown): void {
    this.parts.error.hidden = !error;
    this.parts.error.textContent = error ? messageOf(error) : '';
  }

  async load(): Promise<void> {
    const generation = this.generation;
    const { rows, more, status } = this.parts;
    this.showError(null);
    status.textContent = 'Loading…';
    more.disabled = true;
    try {
      const { path, filters } = this.parts.source();
      const page = await api<Page<T>>(
        `${path}${query({ ...filters, cursor: this.cursor, limit: PAGE_SIZE })}`,
      );
      if (generation !== this.generation) {
        return;
      }
      this.loaded = true;
      rows.append(...page.items.map((item) => this.parts.row(item)));
      this.cursor = page.nextCursor;
      more.hidden = !page.nextCursor;
      status.textContent = this.parts.shown(rows.children.length);
    } catch (error) {
      if (generation === this.generation) {
        status.textContent = '';
        this.showError(error);
      }
    } finally {
      more.disabled = false;
    }
  }
}

// What every view draws with. Event payloads and headers are untrusted: data reaches the page only as text
// (textContent, text nodes, setAttribute with names chosen here), never as markup.
import type { DeadLetterView } from '../../admin-api.view.js';

/** The element with this data-testid; the page's markup holds every one the views look for. */
export function $<T extends HTMLElement = HTMLElement>(testId: string, root: ParentNode = document): T {
  const node = root.querySelector<T>(`[data-testid="${testId}"]`);
  if (node === null) {
    throw new Error(`admin.html has no [data-testid="${testId}"]`);
  }
  return node;
}

export type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** A DOM element; props name attributes (never from data), children become text nodes unless they are nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (typeof value === 'function') {
      if (name.startsWith('on')) {
        node.addEventListener(name.slice(2), value);
      }
    } else if (name === 'class') {
      node.className = String(value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node: HTMLElement, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
}

export const text = (value: string | number | boolean | null | undefined): string =>
  value === undefined || value === null || value === '' ? '—' : String(value);
export const json = (value: unknown): string => JSON.stringify(value ?? null, null, 2);
export const shortId = (id: string | null | undefined): string =>
  typeof id === 'string' && id.length > 13 ? `${id.slice(0, 8)}…` : text(id);

export function when(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A topic position as the views show it: topic / partition @ offset. */
export const position = (
  topic: string | null | undefined,
  partition: number | null | undefined,
  offset: string | null | undefined,
): string => `${text(topic)} / ${text(partition)} @ ${text(offset)}`;

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function showError(testId: string, error: unknown): void {
  const node = $(testId);
  if (!error) {
    node.hidden = true;
    node.textContent = '';
    return;
  }
  node.textContent = messageOf(error);
  node.hidden = false;
}

export function setStatus(testId: string, message: string): void {
  $(testId).textContent = message;
}

export function metaList(entries: Record<string, string | number | null | undefined>): HTMLElement[] {
  return Object.entries(entries).flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, text(value))]);
}

export function deadLetterMeta(deadLetter: DeadLetterView | null): Record<string, string | number | null> {
  if (!deadLetter) {
    return {};
  }
  return {
    'Dead letter': deadLetter.error,
    Attempts: deadLetter.attempts,
    'Consumer group': deadLetter.consumerGroup,
    'Original record': position(
      deadLetter.originalTopic,
      deadLetter.originalPartition,
      deadLetter.originalOffset,
    ),
    Redrives: deadLetter.redriveCount,
  };
}

/** Goes to a view (#events, #order/<id>, #dlq, #consumers); the same address again shows it afresh. */
export function navigate(hash: string): void {
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

/** Every panel of the page: cleared when the session ends, entered when its tab is shown. */
export interface Panel {
  reset(): void;
  /** The part of the address after the tab's name (#order/<id>), if any. */
  enter(argument?: string): Promise<void>;
}

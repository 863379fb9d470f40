// The Mail tab (development only): what `npm start`'s mail catcher caught, newest first, a page at a time. A mail's
// HTML part is untrusted markup: it is shown only inside the page's sandboxed frame (admin.html: `sandbox` with no
// allow-scripts and no allow-same-origin), given as srcdoc from here — so its scripts never run, and what it does
// render has an opaque origin, no access to this page, its token or the API, and inherits this page's CSP (no
// requests, no inline styles). A Blob URL would not do: the page's CSP (default-src 'none') refuses blob: frames.
import { ApiError, api, PAGE_SIZE, query } from './api.js';
import { $, el, metaList, type Panel, setStatus, showError, text } from './dom.js';

/** GET /v1/admin/dev-mail's items (libs/notifications/src/dev-mail/dev-mailbox.ts, CaughtMailSummary). */
interface CaughtMailSummary {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
}

/** GET /v1/admin/dev-mail/:id (dev-mailbox.ts, CaughtMailView). */
interface CaughtMailView extends CaughtMailSummary {
  headers: { name: string; value: string }[];
  text: string;
  html: string;
}

interface CaughtMailPage {
  items: CaughtMailSummary[];
  next: string | null;
}

const isMailOff = (error: unknown) =>
  error instanceof ApiError && error.status === 404 && error.problem?.code === 'dev-mail-off';

export class MailPanel implements Panel {
  private loaded = false;
  private before: string | null = null;
  /** A reload started later wins over an earlier one still in flight; so does a mail opened later. */
  private generation = 0;
  private opened = 0;

  constructor() {
    $('mail-refresh').addEventListener('click', () => void this.reload());
    $('mail-more').addEventListener('click', () => void this.load());
    $('mail-details-close').addEventListener('click', () => this.closeDetails());
  }

  reset(): void {
    this.generation++;
    this.opened++;
    this.loaded = false;
    this.before = null;
    $('mail-rows').replaceChildren();
    $('mail-more').hidden = true;
    $('mail-off').hidden = true;
    this.closeDetails();
    setStatus('mail-status', '');
    showError('mail-error', null);
  }

  async enter(): Promise<void> {
    if (!this.loaded) {
      await this.reload();
    }
  }

  private async reload(): Promise<void> {
    this.generation++;
    this.before = null;
    $('mail-rows').replaceChildren();
    $('mail-more').hidden = true;
    await this.load();
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    const more = $<HTMLButtonElement>('mail-more');
    showError('mail-error', null);
    $('mail-off').hidden = true;
    setStatus('mail-status', 'Loading…');
    more.disabled = true;
    try {
      const page = await api<CaughtMailPage>(
        `/v1/admin/dev-mail${query({ before: this.before, limit: PAGE_SIZE })}`,
      );
      if (generation !== this.generation) {
        return;
      }
      this.loaded = true;
      const rows = $('mail-rows');
      rows.append(...page.items.map((item) => this.row(item)));
      this.before = page.next;
      more.hidden = !page.next;
      const count = rows.children.length;
      setStatus('mail-status', count === 0 ? 'No mail caught yet.' : `${count} mails shown, newest first.`);
    } catch (error) {
      if (generation !== this.generation) {
        return;
      }
      setStatus('mail-status', '');
      if (isMailOff(error)) {
        this.loaded = true;
        $('mail-off').hidden = false;
      } else {
        showError('mail-error', error);
      }
    } finally {
      more.disabled = false;
    }
  }

  private row(item: CaughtMailSummary): HTMLTableRowElement {
    const row = el(
      'tr',
      { class: 'clickable', 'data-testid': 'mail-row', 'data-id': item.id, tabindex: 0 },
      el('td', { class: 'mono' }, text(item.date)),
      el('td', {}, text(item.from)),
      el('td', { 'data-testid': 'mail-to' }, text(item.to)),
      el('td', { 'data-testid': 'mail-subject' }, text(item.subject)),
    );
    const open = () => {
      for (const other of $('mail-rows').querySelectorAll('tr.selected')) {
        other.classList.remove('selected');
      }
      row.classList.add('selected');
      void this.details(item.id);
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        open();
      }
    });
    return row;
  }

  private closeDetails(): void {
    $('mail-details').hidden = true;
    // An empty document: nothing of the last mail stays rendered.
    $<HTMLIFrameElement>('mail-html').srcdoc = '';
  }

  private async details(id: string): Promise<void> {
    const opened = ++this.opened;
    showError('mail-error', null);
    try {
      const mail = await api<CaughtMailView>(`/v1/admin/dev-mail/${encodeURIComponent(id)}`);
      if (opened !== this.opened) {
        return;
      }
      $('mail-details').hidden = false;
      $('mail-details').dataset.id = mail.id;
      $('mail-details-subject').textContent = text(mail.subject);
      $('mail-details-meta').replaceChildren(
        ...metaList({ From: mail.from, To: mail.to, Date: mail.date, Id: mail.id }),
      );
      $('mail-text').textContent = mail.text || '(no text part)';
      $('mail-headers').replaceChildren(
        ...mail.headers.map((header) =>
          el(
            'tr',
            { 'data-testid': 'mail-header' },
            el('th', { class: 'mono' }, header.name),
            el('td', { class: 'mono' }, header.value),
          ),
        ),
      );
      const frame = $<HTMLIFrameElement>('mail-html');
      // The frame's sandbox is in admin.html; checked here too, so markup can never reach a frame without one.
      if (frame.sandbox.length !== 0 || !frame.hasAttribute('sandbox')) {
        throw new Error('The mail frame is not fully sandboxed: not showing the HTML part');
      }
      frame.srcdoc = mail.html;
      $('mail-html-none').hidden = mail.html !== '';
      frame.hidden = mail.html === '';
    } catch (error) {
      if (opened === this.opened) {
        showError('mail-error', error);
      }
    }
  }
}

// The PLATFORMA operator console at /admin: ES modules, no framework. Everything it shows comes from the admin API
// (api.ts); each tab is a panel of its own module, and the address bar names the tab (#events, #order/<id>, #sagas,
// #saga/<orderId>, #dlq, #consumers, #schemas/<type>, #mail, #backoffice/<accounts|orders|invoices|services>) so a view can be linked to and reloaded.
import { ApiError, api, onSessionEnded, query, session } from './api.js';
import { BackOfficePanel } from './backoffice.js';
import { ConsumersPanel } from './consumers.js';
import { DeadLettersPanel } from './dlq.js';
import { $, navigate, type Panel, showError } from './dom.js';
import { EventsPanel } from './events.js';
import { MailPanel } from './mail.js';
import { OrderPanel } from './order.js';
import { SagaPanel, SagasPanel } from './sagas.js';
import { SchemasPanel } from './schemas.js';

const panels: Record<string, Panel> = {
  events: new EventsPanel(),
  order: new OrderPanel(),
  sagas: new SagasPanel(),
  saga: new SagaPanel(),
  dlq: new DeadLettersPanel(),
  consumers: new ConsumersPanel(),
  schemas: new SchemasPanel(),
  mail: new MailPanel(),
  backoffice: new BackOfficePanel(),
};

function endSession(message: string | null): void {
  session.token = null;
  $('app-view').hidden = true;
  $('session').hidden = true;
  $('login-view').hidden = false;
  showError('login-error', message);
  for (const panel of Object.values(panels)) {
    panel.reset();
  }
}

async function logIn(apiKey: string): Promise<void> {
  session.token = null;
  const token = await api<{ accessToken: string }>('/v1/auth/token', {
    method: 'POST',
    body: { apiKey },
    auth: false,
  });
  session.token = token.accessToken;
  try {
    // The token exchange accepts any account's key; only the admin API says whether this one is an administrator.
    await api(`/v1/admin/audit/events${query({ limit: 1 })}`);
  } catch (error) {
    session.token = null;
    if (error instanceof ApiError && error.status === 403) {
      throw new Error('This API key does not belong to an administrator.');
    }
    throw error;
  }
}

function enterApp(): void {
  $('login-view').hidden = true;
  showError('login-error', null);
  $('session').hidden = false;
  $('app-view').hidden = false;
  route();
}

function showTab(name: string): void {
  for (const button of document.querySelectorAll<HTMLElement>('[data-tab]')) {
    // A tab's own sub-views (#saga/<id> of Sagas) keep it selected.
    const selected = button.dataset.tab === name || button.dataset.also === name;
    button.setAttribute('aria-selected', String(selected));
  }
  for (const section of document.querySelectorAll<HTMLElement>('[data-panel]')) {
    section.hidden = section.dataset.panel !== name;
  }
}

function route(): void {
  const [name = '', argument] = location.hash.slice(1).split('/');
  const tab = Object.hasOwn(panels, name) ? name : 'events';
  showTab(tab);
  let decoded: string | undefined;
  try {
    decoded = argument ? decodeURIComponent(argument) : undefined;
  } catch {
    decoded = undefined;
  }
  void panels[tab]?.enter(decoded);
}

function start(): void {
  onSessionEnded(endSession);
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('login-api-key');
    const submit = $<HTMLButtonElement>('login-submit');
    submit.disabled = true;
    showError('login-error', null);
    void logIn(input.value.trim())
      .then(() => {
        input.value = '';
        enterApp();
      })
      .catch((error: unknown) => showError('login-error', error))
      .finally(() => (submit.disabled = false));
  });
  $('logout').addEventListener('click', () => endSession(null));
  for (const button of document.querySelectorAll<HTMLElement>('[data-tab]')) {
    button.addEventListener('click', () => navigate(`#${button.dataset.tab ?? ''}`));
  }
  window.addEventListener('hashchange', () => {
    if (session.token) {
      route();
    }
  });

  if (session.token) {
    enterApp();
  } else {
    $('login-view').hidden = false;
  }
}

start();

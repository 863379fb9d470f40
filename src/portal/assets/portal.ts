// The example customer portal: one ES module, no framework, talking to the public API like any storefront would.
// Everything it shows comes from the API with the bearer token kept in sessionStorage. Data reaches the page only as
// text (textContent, text nodes, setAttribute with names chosen here), never as markup.

// ---- what the API answers ----

/** An order's status as the customer reads it; its keys are the API's statuses. */
const STATUS_LABELS = {
  pending: 'pending',
  awaiting_payment: 'awaiting payment',
  confirmed: 'paid, queued for provisioning',
  provisioning: 'provisioning',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
} as const;
type OrderStatus = keyof typeof STATUS_LABELS;

interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

interface Region {
  code: string;
  name: string;
  images: string[];
}

interface Price {
  billingCycle: string;
  amountMinor: number;
  currency: string;
}

interface Plan {
  id: string;
  code: string;
  name: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  regions: string[];
  prices: Price[];
}

interface Order {
  id: string;
  status: OrderStatus;
  planId: string;
  region: string;
  image: string;
  hostname: string;
  billingCycle: string;
  priceMinor: number;
  currency: string;
  serviceId: string | null;
  createdAt: string;
}

interface Invoice {
  id: string;
  number: string;
  orderId: string;
  status: 'open' | 'paid' | 'voided';
  currency: string;
  totalMinor: number;
  dueAt: string;
  issuedAt: string;
  paidAt: string | null;
}

interface Service {
  id: string;
  orderId: string;
  state: 'provisioning' | 'active' | 'suspended' | 'failed' | 'released';
  hostname: string;
  region: string;
  image: string;
  resources: { vcpus: number; memoryMb: number; diskGb: number };
  addresses: { ipv4: string | null; ipv6: string | null };
  progress: { step: string; percent: number } | null;
  credentialsRetrievable: boolean;
}

/** What a customer may do to an active service (POST /v1/services/:id/actions), as the buttons say it. */
const ACTION_LABELS = {
  reboot: 'Reboot',
  power_off: 'Power off',
  power_on: 'Power on',
  reinstall: 'Reinstall',
} as const;
type ServiceActionName = keyof typeof ACTION_LABELS;

interface ServiceAction {
  id: string;
  serviceId: string;
  action: ServiceActionName;
  status: 'requested' | 'completed' | 'failed';
  failure: { reason: string; message: string | null } | null;
  requestedAt: string;
  finishedAt: string | null;
}

interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The messages of GET /v1/orders/:id/events, by SSE event name. */
interface OrderEvents {
  status: { status: OrderStatus; cause: string | null; note: string | null; at: string };
  invoice: {
    invoiceId: string;
    number: string;
    totalMinor: number;
    currency: string;
    dueAt: string;
    at: string;
  };
  payment: {
    outcome: 'received' | 'failed' | 'refunded';
    invoiceId: string;
    amountMinor?: number;
    currency?: string;
    reason?: string;
    retryable?: boolean;
    at: string;
  };
  progress: { step: string; percent: number; at: string };
  action: {
    outcome: 'requested' | 'completed' | 'failed';
    actionId: string;
    action: ServiceActionName;
    message?: string;
    credentialsRenewed?: boolean;
    at: string;
  };
  end: { status: OrderStatus };
}

// ---- configuration: the page's own <meta> tags, rewritten by `npm run build:portal` for another host ----

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

/** Where the portal's pages live ('' at the root of its host), and the API's origin ('' for this one). */
const BASE = meta('portal-base').replace(/\/+$/, '');
const API = meta('portal-api').replace(/\/+$/, '');
const TOKEN_KEY = 'platforma.portal.token';
const NEXT_KEY = 'platforma.portal.next';
const STREAM_RETRY_MS = 2_000;
const CANCELLABLE: readonly OrderStatus[] = ['pending', 'awaiting_payment'];
const TERMINAL: readonly OrderStatus[] = ['completed', 'cancelled', 'failed'];

const STEP_LABELS: Record<string, string> = {
  allocating: 'allocating resources',
  creating_disk: 'creating the disk',
  installing_image: 'installing the image',
  configuring_network: 'configuring the network',
  booting: 'booting',
  completed: 'ready',
};

// ---- small DOM helpers ----

function byTestId<T extends HTMLElement = HTMLElement>(testId: string, root: ParentNode = document): T {
  const node = root.querySelector<T>(`[data-testid="${testId}"]`);
  if (!node) {
    throw new Error(`the page has no element ${testId}`);
  }
  return node;
}

type Child = Node | string | number | null | undefined | false;

/** A DOM element: attrs are names chosen here with values set as attribute text; children become text nodes. */
function el(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) {
      node.setAttribute(name, value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** A link to one of the portal's pages; `path` is built here from ids, each encoded. */
function link(path: string, label: string, testId?: string): HTMLElement {
  return el('a', { href: BASE + path, 'data-route': path, 'data-testid': testId }, label);
}

function when(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function clock(iso: string): HTMLElement {
  const date = new Date(iso);
  return el('time', { datetime: iso }, Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(11, 19));
}

function money(minor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

/** A form field's text (file inputs, which FormData gives as File, the portal has none of). */
function field(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

function facts(list: HTMLElement, entries: [string, string][]): void {
  list.replaceChildren(...entries.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

function setText(testId: string, text: string): void {
  byTestId(testId).textContent = text;
}

function tone(badge: HTMLElement, value: string): void {
  const good = ['completed', 'paid', 'active'];
  const bad = ['cancelled', 'failed', 'voided', 'suspended', 'released'];
  const busy = ['confirmed', 'provisioning'];
  badge.dataset.tone = good.includes(value)
    ? 'good'
    : bad.includes(value)
      ? 'bad'
      : busy.includes(value)
        ? 'busy'
        : '';
}

// ---- errors: RFC 9457 problem+json, shown as their title and detail ----

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.title ?? `The server answered ${status}`);
  }
}

function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) {
    return error.problem;
  }
  if (error instanceof TypeError) {
    return { title: 'The API cannot be reached', detail: 'Check your connection and try again.' };
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}

/** Shows a problem (or hides the box when there is none): its title, its detail and the fields a 400 names. */
function showProblem(testId: string, error: unknown): void {
  renderProblem(byTestId(testId), testId, error);
}

/** showProblem for a box found otherwise (one per table row); its parts are named after `testId`. */
function renderProblem(box: HTMLElement, testId: string, error: unknown): void {
  if (error === undefined) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const problem = problemOf(error);
  const fields = (problem.errors ?? []).map((e) => el('li', {}, e.message));
  box.replaceChildren(el('strong', { 'data-testid': `${testId}-title` }, problem.title ?? 'Error'));
  if (problem.detail) {
    box.append(el('span', { 'data-testid': `${testId}-detail` }, problem.detail));
  }
  if (fields.length > 0) {
    box.append(el('ul', {}, ...fields));
  }
  box.hidden = false;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).title === 'string';
}

// ---- session ----

const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  },
};

function authHeaders(): Record<string, string> {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

async function problemFrom(response: Response): Promise<Problem> {
  const raw = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(raw);
    if (isProblem(body)) {
      return body;
    }
  } catch {
    // not JSON: a proxy's error page
  }
  return { title: `The server answered ${response.status}`, status: response.status };
}

/** A call to the API; errors become ApiError with the problem the API sent. A 401 ends the session. */
async function api<T>(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    ...authHeaders(),
    ...options.headers,
  };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(API + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    const error = new ApiError(response.status, await problemFrom(response));
    if (response.status === 401 && session.token) {
      endSession('Your session has ended: log in again.');
    }
    throw error;
  }
  return (await response.json()) as T;
}

async function logIn(apiKey: string): Promise<void> {
  const { accessToken } = await api<{ accessToken: string }>('POST', '/v1/auth/token', { body: { apiKey } });
  session.token = accessToken;
}

function endSession(notice?: string): void {
  session.token = null;
  showNotice(notice);
  navigate('/', { replace: true });
}

function showNotice(text: string | undefined): void {
  const notice = byTestId('notice');
  notice.textContent = text ?? '';
  notice.hidden = !text;
}

// ---- routing: history API under BASE, so deep links from mails open the right page ----

type Route =
  | { view: 'welcome' }
  | { view: 'verify' }
  | { view: 'plans' }
  | { view: 'orders' }
  | { view: 'order'; id: string }
  | { view: 'services' }
  | { view: 'credentials'; id: string }
  | { view: 'invoices' }
  | { view: 'not-found' };

const PUBLIC_VIEWS: readonly Route['view'][] = ['welcome', 'verify', 'not-found'];

function routeOf(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) {
    return { view: 'welcome' };
  }
  if (parts.length === 1) {
    switch (first) {
      case 'verify-email':
        return { view: 'verify' };
      case 'plans':
      case 'orders':
      case 'services':
      case 'invoices':
        return { view: first };
    }
  }
  if (parts.length === 2 && first === 'orders' && second) {
    return { view: 'order', id: second };
  }
  if (parts.length === 3 && first === 'services' && second && third === 'credentials') {
    return { view: 'credentials', id: second };
  }
  return { view: 'not-found' };
}

/** Ends whatever the page on screen left running (an order's event stream). */
let leaveView = new AbortController();

function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(null, '', BASE + path);
  } else {
    history.pushState(null, '', BASE + path);
  }
  render();
}

function render(): void {
  leaveView.abort();
  leaveView = new AbortController();
  let route = routeOf(location.pathname);
  if (!session.token && !PUBLIC_VIEWS.includes(route.view)) {
    // After logging in, the customer lands where the link pointed (a mail's credentials link, say).
    sessionStorage.setItem(NEXT_KEY, location.pathname.slice(BASE.length) || '/');
    history.replaceState(null, '', `${BASE}/`);
    route = { view: 'welcome' };
  } else if (session.token && route.view === 'welcome') {
    history.replaceState(null, '', `${BASE}/plans`);
    route = { view: 'plans' };
  }
  for (const section of document.querySelectorAll<HTMLElement>('[data-view]')) {
    section.hidden = section.dataset.view !== route.view;
  }
  byTestId('nav').hidden = !session.token;
  byTestId('logout').hidden = !session.token;
  for (const item of document.querySelectorAll<HTMLElement>('[data-nav]')) {
    const current =
      item.dataset.nav === route.view || (item.dataset.nav === 'orders' && route.view === 'order');
    if (current) {
      item.setAttribute('aria-current', 'page');
    } else {
      item.removeAttribute('aria-current');
    }
  }
  const signal = leaveView.signal;
  const shown = show(route, signal);
  shown.catch((error: unknown) => console.error(error));
}

function show(route: Route, signal: AbortSignal): Promise<void> {
  switch (route.view) {
    case 'welcome':
      return Promise.resolve(showWelcome());
    case 'verify':
      return showVerify();
    case 'plans':
      return showPlans(signal);
    case 'orders':
      return showOrders();
    case 'order':
      return showOrder(route.id, signal);
    case 'services':
      return showServices(signal);
    case 'credentials':
      return showCredentials(route.id);
    case 'invoices':
      return showInvoices();
    case 'not-found':
      return Promise.resolve();
  }
}

// ---- sign up, verify, log in ----

function showWelcome(): void {
  showProblem('signup-error', undefined);
  showProblem('login-error', undefined);
}

async function signUp(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const email = field(data, 'email');
  showProblem('signup-error', undefined);
  byTestId('signup-sent').hidden = true;
  await api('POST', '/v1/accounts', {
    body: {
      name: field(data, 'name'),
      email,
      country: field(data, 'country'),
      currency: field(data, 'currency'),
    },
  });
  form.reset();
  const sent = byTestId('signup-sent');
  sent.textContent = `Check the mailbox of ${email}: follow the link we sent to open your account.`;
  sent.hidden = false;
}

async function submitLogin(form: HTMLFormElement): Promise<void> {
  showProblem('login-error', undefined);
  await logIn(field(new FormData(form), 'apiKey'));
  form.reset();
  showNotice(undefined);
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  navigate(next && next !== '/' ? next : '/plans');
}

async function showVerify(): Promise<void> {
  // The token travels in the fragment, which no server sees; it leaves the address bar (and history) at once.
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  history.replaceState(null, '', location.pathname);
  byTestId('verify-result').hidden = true;
  showProblem('verify-error', undefined);
  if (!token) {
    setText('verify-status', '');
    showProblem('verify-error', {
      title: 'This link has no token',
      detail: 'Open the link from the mail exactly as it was sent.',
    } satisfies Problem);
    return;
  }
  setText('verify-status', 'Opening your account…');
  try {
    const { apiKey } = await api<{ apiKey: string }>('POST', '/v1/accounts/verify', { body: { token } });
    await logIn(apiKey);
    setText('verify-status', '');
    setText('verify-api-key', apiKey);
    byTestId('verify-result').hidden = false;
    byTestId('nav').hidden = false;
    byTestId('logout').hidden = false;
  } catch (error) {
    setText('verify-status', '');
    showProblem('verify-error', error);
  }
}

// ---- plans and ordering ----

interface Catalog {
  regions: Region[];
  plans: Plan[];
}

let catalog: Catalog | undefined;
let chosenRegion: string | undefined;
let chosenPlan: Plan | undefined;
/** One key per order the customer means to place: a submit retried after a lost answer cannot order twice. */
let orderKey = newKey();

/** crypto.randomUUID exists only in secure contexts; a provider may try the portal over plain HTTP first. */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}

async function showPlans(signal: AbortSignal): Promise<void> {
  showProblem('plans-error', undefined);
  setText('plans-status', 'Loading the plans…');
  try {
    const [regions, plans] = await Promise.all([
      api<Region[]>('GET', '/v1/catalog/regions'),
      api<Plan[]>('GET', '/v1/catalog/plans'),
    ]);
    if (signal.aborted) {
      return;
    }
    catalog = { regions, plans };
    setText('plans-status', '');
  } catch (error) {
    setText('plans-status', '');
    showProblem('plans-error', error);
    return;
  }
  chosenRegion ??= catalog.regions[0]?.code;
  renderRegions(catalog);
  renderPlans(catalog);
}

function renderRegions({ regions }: Catalog): void {
  const box = byTestId('regions');
  box.replaceChildren(
    el('legend', {}, 'Region'),
    ...regions.map((region) => {
      const input = el('input', {
        type: 'radio',
        name: 'region',
        value: region.code,
        'data-testid': `region-${region.code}`,
      }) as HTMLInputElement;
      input.checked = region.code === chosenRegion;
      return el('label', {}, input, `${region.name} (${region.code})`);
    }),
  );
}

function renderPlans({ plans }: Catalog): void {
  const offered = plans.filter((plan) => chosenRegion !== undefined && plan.regions.includes(chosenRegion));
  byTestId('plans').replaceChildren(
    ...offered.map((plan) => {
      const cheapest = [...plan.prices].sort((a, b) => a.amountMinor - b.amountMinor)[0];
      const choose = el('button', { type: 'button', 'data-testid': 'plan-choose' }, 'Choose');
      choose.addEventListener('click', () => choosePlan(plan));
      return el(
        'li',
        {
          class: 'plan',
          'data-testid': 'plan',
          'data-plan-id': plan.id,
          'aria-selected': String(plan.id === chosenPlan?.id),
        },
        el('h3', { 'data-testid': 'plan-name' }, plan.name),
        el('span', {}, `${plan.vcpus} vCPU · ${plan.memoryMb / 1024} GB RAM · ${plan.diskGb} GB disk`),
        cheapest
          ? el('span', { class: 'price' }, `from ${money(cheapest.amountMinor, cheapest.currency)}`)
          : null,
        choose,
      );
    }),
  );
  setText('plans-status', offered.length === 0 ? 'No plan is offered in this region yet.' : '');
  if (chosenPlan && !offered.some((plan) => plan.id === chosenPlan?.id)) {
    chosenPlan = undefined;
  }
  renderOrderForm();
}

function choosePlan(plan: Plan): void {
  chosenPlan = plan;
  orderKey = newKey();
  if (catalog) {
    renderPlans(catalog);
  }
  byTestId('order-hostname').focus();
}

function renderOrderForm(): void {
  const form = byTestId<HTMLFormElement>('order-form');
  const region = catalog?.regions.find((r) => r.code === chosenRegion);
  if (!chosenPlan || !region) {
    form.hidden = true;
    return;
  }
  setText('order-form-title', `${chosenPlan.name} in ${region.name}`);
  byTestId('order-image').replaceChildren(
    ...region.images.map((image) => el('option', { value: image }, image)),
  );
  byTestId('order-price').replaceChildren(
    ...chosenPlan.prices.map((price) =>
      el(
        'option',
        { value: `${price.billingCycle} ${price.currency}` },
        `${price.billingCycle}: ${money(price.amountMinor, price.currency)}`,
      ),
    ),
  );
  showProblem('order-error', undefined);
  form.hidden = false;
}

async function placeOrder(form: HTMLFormElement): Promise<void> {
  if (!chosenPlan || !chosenRegion) {
    return;
  }
  const data = new FormData(form);
  const [billingCycle, currency] = field(data, 'price').split(' ');
  showProblem('order-error', undefined);
  let order: Order;
  try {
    order = await api<Order>('POST', '/v1/orders', {
      headers: { 'Idempotency-Key': orderKey },
      body: {
        planId: chosenPlan.id,
        region: chosenRegion,
        image: field(data, 'image'),
        hostname: field(data, 'hostname').trim(),
        billingCycle,
        currency,
      },
    });
  } catch (error) {
    // A refusal is final for this body: the corrected order is another request. A lost answer or a 5xx is retried
    // with the same key, so it cannot order twice.
    if (error instanceof ApiError && error.status < 500) {
      orderKey = newKey();
    }
    throw error;
  }
  orderKey = newKey();
  chosenPlan = undefined;
  form.reset();
  navigate(`/orders/${encodeURIComponent(order.id)}`);
}

// ---- one order: its facts, its invoice, and its progress as Server-Sent Events ----

interface OrderPage {
  order: Order;
  invoice?: {
    id: string;
    number: string;
    totalMinor: number;
    currency: string;
    dueAt: string;
    status: string;
  };
  /** Events already shown: a reconnect may repeat none, but the first load and the stream overlap. */
  seen: Set<string>;
}

/** An order and the invoice billing issued for it, once there is one. */
async function loadOrder(id: string): Promise<Pick<OrderPage, 'order' | 'invoice'>> {
  const [order, invoices] = await Promise.all([
    api<Order>('GET', `/v1/orders/${encodeURIComponent(id)}`),
    api<ListPage<Invoice>>('GET', `/v1/invoices?orderId=${encodeURIComponent(id)}&kind=order`),
  ]);
  const invoice = invoices.items.find((item) => item.orderId === order.id);
  return { order, invoice: invoice && { ...invoice } };
}

async function showOrder(id: string, signal: AbortSignal): Promise<void> {
  byTestId('order-details').hidden = true;
  showProblem('order-view-error', undefined);
  showProblem('pay-error', undefined);
  showProblem('order-cancel-error', undefined);
  setText('order-title', 'Order');
  let page: OrderPage;
  try {
    page = { ...(await loadOrder(id)), seen: new Set() };
  } catch (error) {
    showProblem('order-view-error', error);
    return;
  }
  if (signal.aborted) {
    return;
  }
  const { order } = page;
  setText('order-title', `Order for ${order.hostname}`);
  facts(byTestId('order-facts'), [
    ['Order', order.id],
    ['Host name', order.hostname],
    ['Region', order.region],
    ['Image', order.image],
    ['Price', `${money(order.priceMinor, order.currency)} ${order.billingCycle}`],
    ['Ordered', when(order.createdAt)],
  ]);
  byTestId('order-activity').replaceChildren();
  setProgress(order.status === 'completed' ? 100 : 0, order.status === 'completed' ? 'completed' : undefined);
  renderOrderStatus(page);
  renderInvoice(page);
  byTestId('order-details').hidden = false;
  const cancel = byTestId<HTMLButtonElement>('order-cancel');
  cancel.onclick = () => void cancelOrder(page, cancel);
  const pay = byTestId<HTMLFormElement>('pay-form');
  pay.onsubmit = (event) => {
    event.preventDefault();
    void payInvoice(page, pay);
  };
  await followOrder(page, signal);
}

function setProgress(percent: number, step: string | undefined): void {
  const bar = byTestId<HTMLProgressElement>('order-progress');
  bar.value = percent;
  bar.dataset.percent = String(percent);
  const label = step ? (STEP_LABELS[step] ?? step.replaceAll('_', ' ')) : 'not started';
  setText('order-progress-label', `${percent} % — ${label}`);
}

function renderOrderStatus(page: OrderPage): void {
  const { status } = page.order;
  const badge = byTestId('order-status');
  badge.textContent = STATUS_LABELS[status];
  badge.dataset.status = status;
  tone(badge, status);
  byTestId('order-cancel').hidden = !CANCELLABLE.includes(status);
  const ready = byTestId('order-ready');
  ready.hidden = !(status === 'completed' && page.order.serviceId);
  if (page.order.serviceId) {
    const path = `/services/${encodeURIComponent(page.order.serviceId)}/credentials`;
    const anchor = byTestId<HTMLAnchorElement>('order-credentials-link');
    anchor.dataset.route = path;
    anchor.href = BASE + path;
  }
}

function renderInvoice(page: OrderPage): void {
  const { invoice } = page;
  const card = byTestId('invoice');
  if (!invoice) {
    card.hidden = true;
    return;
  }
  setText('invoice-number', invoice.number);
  facts(byTestId('invoice-facts'), [
    ['Total', money(invoice.totalMinor, invoice.currency)],
    ['Due', when(invoice.dueAt)],
  ]);
  const badge = byTestId('invoice-status');
  badge.textContent = invoice.status;
  badge.dataset.status = invoice.status;
  tone(badge, invoice.status);
  byTestId('pay-form').hidden = invoice.status !== 'open' || TERMINAL.includes(page.order.status);
  card.hidden = false;
}

function activity(at: string, text: string, kind: string): void {
  byTestId('order-activity').append(
    el(
      'li',
      { 'data-testid': 'activity', 'data-kind': kind },
      clock(at),
      el('span', { 'data-testid': 'activity-text' }, text),
    ),
  );
}

async function payInvoice(page: OrderPage, form: HTMLFormElement): Promise<void> {
  if (!page.invoice) {
    return;
  }
  const button = byTestId<HTMLButtonElement>('pay-submit', form);
  button.disabled = true;
  showProblem('pay-error', undefined);
  try {
    const paid = await api<Invoice>('POST', `/v1/invoices/${encodeURIComponent(page.invoice.id)}/pay`, {
      body: { paymentToken: field(new FormData(form), 'paymentToken') },
    });
    page.invoice.status = paid.status;
    renderInvoice(page);
  } catch (error) {
    showProblem('pay-error', error);
    // A declined card leaves the invoice open: the customer may try another one.
    setText('pay-submit', 'Try again');
  } finally {
    button.disabled = false;
  }
}

async function cancelOrder(page: OrderPage, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  showProblem('order-cancel-error', undefined);
  try {
    page.order = await api<Order>('POST', `/v1/orders/${encodeURIComponent(page.order.id)}/cancel`);
    renderOrderStatus(page);
    renderInvoice(page);
  } catch (error) {
    showProblem('order-cancel-error', error);
  } finally {
    button.disabled = false;
  }
}

/** Applies one message of the order's stream to the page. */
function onOrderEvent(page: OrderPage, message: StreamMessage): void {
  if (message.id !== '' && message.event !== 'end') {
    if (page.seen.has(message.id)) {
      return;
    }
    page.seen.add(message.id);
  }
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return;
  }
  switch (message.event) {
    case 'status': {
      const status = data as OrderEvents['status'];
      if (!Object.hasOwn(STATUS_LABELS, status.status)) {
        return;
      }
      page.order.status = status.status;
      activity(
        status.at,
        `Order ${STATUS_LABELS[status.status]}${status.note ? ` (${status.note})` : ''}`,
        'status',
      );
      if (status.status === 'completed') {
        setProgress(100, 'completed');
      }
      renderOrderStatus(page);
      renderInvoice(page);
      return;
    }
    case 'invoice': {
      const invoice = data as OrderEvents['invoice'];
      page.invoice ??= {
        id: invoice.invoiceId,
        number: invoice.number,
        totalMinor: invoice.totalMinor,
        currency: invoice.currency,
        dueAt: invoice.dueAt,
        status: 'open',
      };
      activity(
        invoice.at,
        `Invoice ${invoice.number} issued: ${money(invoice.totalMinor, invoice.currency)}`,
        'invoice',
      );
      renderInvoice(page);
      return;
    }
    case 'payment': {
      const payment = data as OrderEvents['payment'];
      const amount =
        payment.amountMinor !== undefined && payment.currency
          ? ` ${money(payment.amountMinor, payment.currency)}`
          : '';
      switch (payment.outcome) {
        case 'received':
          activity(payment.at, `Payment of${amount} received`, 'payment');
          if (page.invoice) {
            page.invoice.status = 'paid';
          }
          break;
        case 'failed':
          activity(
            payment.at,
            `Payment failed: ${payment.reason ?? 'no reason given'}${payment.retryable === false ? '' : ' (may be retried)'}`,
            'payment',
          );
          break;
        case 'refunded':
          activity(payment.at, `Payment of${amount} refunded`, 'payment');
          break;
      }
      renderInvoice(page);
      return;
    }
    case 'progress': {
      const progress = data as OrderEvents['progress'];
      setProgress(progress.percent, progress.step);
      activity(
        progress.at,
        `${progress.percent} % — ${STEP_LABELS[progress.step] ?? progress.step}`,
        'progress',
      );
      return;
    }
    case 'action': {
      const action = data as OrderEvents['action'];
      const label = ACTION_LABELS[action.action] ?? action.action;
      const outcome =
        action.outcome === 'failed'
          ? `failed: ${action.message ?? 'no reason given'}`
          : action.outcome === 'completed' && action.credentialsRenewed
            ? 'completed: a new root password can be revealed once'
            : action.outcome;
      activity(action.at, `Server: ${label.toLowerCase()} ${outcome}`, 'action');
      return;
    }
    case 'end':
      return;
  }
}

/**
 * Follows GET /v1/orders/:id/events until the order is over. EventSource cannot send the Authorization header, so
 * the stream is read with fetch: after a dropped connection it reconnects with the last event's id in Last-Event-ID
 * (after the server's `retry`), and it stops at the `end` event or a 204 (nothing more will come).
 */
async function followOrder(page: OrderPage, signal: AbortSignal): Promise<void> {
  const state = (text: string) => setText('order-stream-state', text);
  let lastEventId = '';
  let retryMs = STREAM_RETRY_MS;
  while (!signal.aborted) {
    let response: Response;
    try {
      response = await fetch(`${API}/v1/orders/${encodeURIComponent(page.order.id)}/events`, {
        headers: {
          Accept: 'text/event-stream',
          ...authHeaders(),
          ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
        },
        cache: 'no-store',
        credentials: 'omit',
        signal,
      });
    } catch {
      if (signal.aborted) {
        return;
      }
      state('Connection lost: reconnecting…');
      await sleep(retryMs, signal);
      continue;
    }
    if (response.status === 204) {
      state('');
      await settle(page);
      return;
    }
    if (!response.ok || !response.body) {
      state('');
      if (response.status === 401 && session.token) {
        endSession('Your session has ended: log in again.');
        return;
      }
      showProblem('order-view-error', new ApiError(response.status, await problemFrom(response)));
      return;
    }
    state('Following the order live');
    const parser = new SseParser(lastEventId);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let ended = false;
    try {
      while (!ended) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        for (const message of parser.push(value)) {
          onOrderEvent(page, message);
          ended ||= message.event === 'end';
        }
      }
    } catch {
      // The connection dropped mid-stream: reconnect below, unless the page was left.
    }
    lastEventId = parser.lastEventId;
    retryMs = parser.retryMs ?? retryMs;
    if (ended) {
      await reader.cancel().catch(() => undefined);
      state('');
      await settle(page);
      return;
    }
    if (signal.aborted) {
      return;
    }
    state('Connection lost: reconnecting…');
    await sleep(retryMs, signal);
  }
}

/** Once the order is over: its final state from the API (the service id, so the credentials link can show). */
async function settle(page: OrderPage): Promise<void> {
  try {
    // The invoice too: cancelling voids it, which the order's stream does not tell.
    Object.assign(page, await loadOrder(page.order.id));
  } catch (error) {
    showProblem('order-view-error', error);
    return;
  }
  if (page.order.status === 'completed') {
    setProgress(100, 'completed');
  }
  renderOrderStatus(page);
  renderInvoice(page);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

interface StreamMessage {
  /** The last event id the stream set (it carries over to messages without an id line). */
  id: string;
  event: string;
  data: string;
}

/**
 * The text/event-stream format (WHATWG HTML, "server-sent events"): lines end in CRLF, LF or CR; a blank line ends
 * a message; lines starting with ":" are comments (heartbeats); `id` sets the id a reconnect resumes after, `retry`
 * the reconnection delay. Chunks may end anywhere, even between the CR and LF of one line end.
 */
class SseParser {
  retryMs: number | undefined;
  private buffer = '';
  private event = '';
  private data: string[] = [];

  constructor(public lastEventId: string) {}

  push(chunk: string): StreamMessage[] {
    this.buffer += chunk;
    const messages: StreamMessage[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    let start = 0;
    for (let match = lineEnd.exec(this.buffer); match; match = lineEnd.exec(this.buffer)) {
      if (match[0] === '\r' && match.index === this.buffer.length - 1) {
        break;
      }
      const message = this.line(this.buffer.slice(start, match.index));
      if (message) {
        messages.push(message);
      }
      start = match.index + match[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): StreamMessage | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const raw = colon < 0 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'event') {
      this.event = value;
    } else if (field === 'data') {
      this.data.push(value);
    } else if (field === 'id' && !value.includes('\0')) {
      this.lastEventId = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) {
      this.retryMs = Number(value);
    }
    return undefined;
  }

  private dispatch(): StreamMessage | undefined {
    const message =
      this.data.length > 0
        ? { id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') }
        : undefined;
    this.event = '';
    this.data = [];
    return message;
  }
}

// ---- lists: orders, services, invoices ----

async function showList<T>(
  name: 'orders' | 'services' | 'invoices',
  path: string,
  row: (item: T) => HTMLElement,
  empty: string,
): Promise<void> {
  showProblem(`${name}-error`, undefined);
  setText(`${name}-status`, 'Loading…');
  const rows = byTestId(`${name}-rows`);
  rows.replaceChildren();
  try {
    const { items } = await api<ListPage<T>>('GET', path);
    rows.replaceChildren(...items.map(row));
    setText(`${name}-status`, items.length === 0 ? empty : '');
  } catch (error) {
    setText(`${name}-status`, '');
    showProblem(`${name}-error`, error);
  }
}

function badge(value: string, label = value): HTMLElement {
  const node = el('span', { class: 'badge', 'data-status': value }, label);
  tone(node, value);
  return node;
}

function showOrders(): Promise<void> {
  return showList<Order>(
    'orders',
    '/v1/orders?limit=50',
    (order) =>
      el(
        'tr',
        { 'data-testid': 'order-row', 'data-order-id': order.id, 'data-status': order.status },
        el('td', {}, link(`/orders/${encodeURIComponent(order.id)}`, order.hostname, 'order-link')),
        el('td', {}, order.region),
        el('td', {}, `${money(order.priceMinor, order.currency)} ${order.billingCycle}`),
        el('td', {}, badge(order.status, STATUS_LABELS[order.status])),
        el('td', {}, when(order.createdAt)),
      ),
    'No orders yet: choose a plan to order your first server.',
  );
}

function showServices(signal: AbortSignal): Promise<void> {
  return showList<Service>(
    'services',
    '/v1/services?limit=50',
    (service) => {
      const credentials = el('td', { 'data-testid': 'service-credentials' });
      const state = el('td', {});
      const row = el(
        'tr',
        { 'data-testid': 'service-row', 'data-service-id': service.id, 'data-state': service.state },
        el('td', {}, service.hostname),
        el('td', {}, service.region),
        el(
          'td',
          {},
          `${service.resources.vcpus} vCPU · ${service.resources.memoryMb / 1024} GB · ${service.resources.diskGb} GB`,
        ),
        el('td', {}, service.addresses.ipv4 ?? service.addresses.ipv6 ?? '—'),
        state,
        credentials,
      );
      const cells = { row, state, credentials };
      renderServiceState(service, cells);
      row.append(serviceActions(service, cells, signal));
      return row;
    },
    'No services yet.',
  );
}

/** The cells of a service's row that change when an action ends (a reinstall renews the root password). */
interface ServiceCells {
  row: HTMLElement;
  state: HTMLElement;
  credentials: HTMLElement;
}

function renderServiceState(service: Service, cells: ServiceCells): void {
  cells.row.dataset.state = service.state;
  cells.state.replaceChildren(badge(service.state), service.progress ? ` ${service.progress.percent} %` : '');
  cells.credentials.replaceChildren(
    service.credentialsRetrievable
      ? link(`/services/${encodeURIComponent(service.id)}/credentials`, 'Reveal', 'service-credentials-link')
      : service.state === 'active'
        ? 'already revealed'
        : '—',
  );
}

function showInvoices(): Promise<void> {
  return showList<Invoice>(
    'invoices',
    '/v1/invoices?limit=50',
    (invoice) =>
      el(
        'tr',
        { 'data-testid': 'invoice-row', 'data-invoice-id': invoice.id, 'data-status': invoice.status },
        el('td', {}, invoice.number),
        el('td', {}, link(`/orders/${encodeURIComponent(invoice.orderId)}`, 'order', 'invoice-order-link')),
        el('td', {}, money(invoice.totalMinor, invoice.currency)),
        el('td', {}, badge(invoice.status)),
        el('td', {}, when(invoice.issuedAt)),
        el('td', {}, when(invoice.dueAt)),
        el('td', {}, when(invoice.paidAt)),
      ),
    'No invoices yet.',
  );
}

// ---- actions on a service: reboot, power off, power on, reinstall ----

/** How often a requested action is asked after until provisioning answered it. */
const ACTION_POLL_MS = 1_000;

/** Why a service in this state takes no action (the API refuses it too); undefined when it takes them. */
function actionsRefusedBecause(service: Service): string | undefined {
  switch (service.state) {
    case 'active':
      return undefined;
    case 'provisioning':
      return 'Not delivered yet: actions are possible once the server is ready.';
    case 'suspended':
      return 'Suspended: actions are possible again once it is unsuspended.';
    case 'failed':
      return 'Its build failed: there is no server to act on.';
    case 'released':
      return 'Terminated: there is no server left to act on.';
  }
}

/**
 * The row's action buttons, disabled with the reason while the service's state forbids them or an action runs;
 * below them the latest action and how it ended, followed until provisioning answered it.
 */
function serviceActions(service: Service, cells: ServiceCells, signal: AbortSignal): HTMLElement {
  const refused = actionsRefusedBecause(service);
  const buttons = (Object.keys(ACTION_LABELS) as ServiceActionName[]).map((action) => {
    const button = el(
      'button',
      {
        type: 'button',
        class: action === 'reinstall' ? 'danger small' : 'small',
        'data-testid': `service-action-${action}`,
        title: refused,
      },
      ACTION_LABELS[action],
    ) as HTMLButtonElement;
    button.disabled = refused !== undefined;
    button.addEventListener('click', () => void requestAction(service, action, cell, cells, signal));
    return button;
  });
  const cell = el(
    'td',
    { 'data-testid': 'service-actions' },
    el('div', { class: 'actions' }, ...buttons),
    refused ? el('p', { class: 'hint', 'data-testid': 'service-actions-refused' }, refused) : null,
    el('p', { class: 'status', 'aria-live': 'polite', 'data-testid': 'service-action-status' }),
    el('div', { class: 'problem', role: 'alert', 'data-testid': 'service-action-error', hidden: '' }),
  );
  if (!refused) {
    void followLatestAction(service, cell, cells, signal);
  }
  return cell;
}

function setActionsBusy(cell: HTMLElement, busy: boolean): void {
  for (const button of cell.querySelectorAll<HTMLButtonElement>('button')) {
    button.disabled = busy;
    button.title = busy ? 'Another action on this server is still running.' : '';
  }
}

function showActionStatus(cell: HTMLElement, action: ServiceAction): void {
  const label = ACTION_LABELS[action.action];
  const status = byTestId('service-action-status', cell);
  status.dataset.status = action.status;
  status.dataset.action = action.action;
  status.textContent =
    action.status === 'requested'
      ? `${label}: in progress…`
      : action.status === 'completed'
        ? `${label}: done at ${when(action.finishedAt)}`
        : `${label} failed: ${action.failure?.message ?? action.failure?.reason ?? 'no reason given'}`;
}

async function followLatestAction(
  service: Service,
  cell: HTMLElement,
  cells: ServiceCells,
  signal: AbortSignal,
): Promise<void> {
  try {
    const { items } = await api<ListPage<ServiceAction>>(
      'GET',
      `/v1/services/${encodeURIComponent(service.id)}/actions?limit=1`,
    );
    const latest = items[0];
    if (latest && !signal.aborted) {
      await followAction(service, latest, cell, cells, signal);
    }
  } catch (error) {
    renderProblem(byTestId('service-action-error', cell), 'service-action-error', error);
  }
}

async function requestAction(
  service: Service,
  action: ServiceActionName,
  cell: HTMLElement,
  cells: ServiceCells,
  signal: AbortSignal,
): Promise<void> {
  const error = byTestId('service-action-error', cell);
  renderProblem(error, 'service-action-error', undefined);
  if (action === 'reinstall' && !(await confirmReinstall(service))) {
    return;
  }
  setActionsBusy(cell, true);
  try {
    // One key per click: a request retried after a lost answer cannot act twice.
    const requested = await api<ServiceAction>(
      'POST',
      `/v1/services/${encodeURIComponent(service.id)}/actions`,
      { body: { action }, headers: { 'Idempotency-Key': newKey() } },
    );
    await followAction(service, requested, cell, cells, signal);
  } catch (problem) {
    renderProblem(error, 'service-action-error', problem);
    setActionsBusy(cell, false);
  }
}

/** Shows the action, asking after it until it is answered; a completed reinstall offers the new password. */
async function followAction(
  service: Service,
  first: ServiceAction,
  cell: HTMLElement,
  cells: ServiceCells,
  signal: AbortSignal,
): Promise<void> {
  let action = first;
  const watched = first.status === 'requested';
  showActionStatus(cell, action);
  setActionsBusy(cell, watched);
  while (action.status === 'requested') {
    await sleep(ACTION_POLL_MS, signal);
    if (signal.aborted) {
      return;
    }
    action = await api<ServiceAction>(
      'GET',
      `/v1/services/${encodeURIComponent(service.id)}/actions/${encodeURIComponent(action.id)}`,
    );
    showActionStatus(cell, action);
  }
  setActionsBusy(cell, false);
  if (!watched || action.action !== 'reinstall' || action.status !== 'completed') {
    return;
  }
  // The reinstall issued a new root password: revealed once, like the first one.
  const renewed = await api<Service>('GET', `/v1/services/${encodeURIComponent(service.id)}`);
  renderServiceState(renewed, cells);
  if (renewed.credentialsRetrievable) {
    byTestId('service-action-status', cell).append(
      ' ',
      link(
        `/services/${encodeURIComponent(service.id)}/credentials`,
        'Reveal the new root password',
        'service-action-reveal',
      ),
    );
  }
}

/** The reinstall erases the disk: the customer confirms it in a dialog first. */
function confirmReinstall(service: Service): Promise<boolean> {
  const dialog = byTestId<HTMLDialogElement>('reinstall-dialog');
  setText('reinstall-hostname', service.hostname);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
  });
}

// ---- one-time root credentials ----

async function showCredentials(id: string): Promise<void> {
  showProblem('credentials-error', undefined);
  byTestId('credentials-result').hidden = true;
  byTestId('credentials-hint').hidden = true;
  const reveal = byTestId<HTMLButtonElement>('credentials-reveal');
  reveal.hidden = true;
  setText('credentials-username', '');
  setText('credentials-password', '');
  setText('credentials-status', 'Loading the service…');
  let service: Service;
  try {
    service = await api<Service>('GET', `/v1/services/${encodeURIComponent(id)}`);
  } catch (error) {
    setText('credentials-status', '');
    byTestId('credentials-service').replaceChildren();
    showProblem('credentials-error', error);
    return;
  }
  facts(byTestId('credentials-service'), [
    ['Host name', service.hostname],
    ['Address', service.addresses.ipv4 ?? service.addresses.ipv6 ?? '—'],
    ['State', service.state],
  ]);
  if (service.credentialsRetrievable) {
    setText('credentials-status', '');
    byTestId('credentials-hint').hidden = false;
    reveal.hidden = false;
    reveal.disabled = false;
    reveal.onclick = () => void revealCredentials(service.id, reveal);
  } else {
    setText(
      'credentials-status',
      service.state === 'active'
        ? 'The initial root password was already revealed and is gone: it cannot be shown again.'
        : 'This service has no root password to reveal.',
    );
  }
}

async function revealCredentials(id: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  showProblem('credentials-error', undefined);
  try {
    const credentials = await api<{ username: string; password: string }>(
      'POST',
      `/v1/services/${encodeURIComponent(id)}/credentials`,
    );
    setText('credentials-username', credentials.username);
    setText('credentials-password', credentials.password);
    byTestId('credentials-result').hidden = false;
    byTestId('credentials-hint').hidden = true;
    button.hidden = true;
  } catch (error) {
    // Revealed before (in another tab, say): the API refuses with 410 and the password is gone for good.
    showProblem('credentials-error', error);
    byTestId('credentials-hint').hidden = true;
    button.hidden = true;
  }
}

// ---- wiring ----

/** Submits a form through `action`, with its button disabled meanwhile and the API's problem shown on failure. */
function onSubmit(
  testId: string,
  errorTestId: string,
  action: (form: HTMLFormElement) => Promise<void>,
): void {
  const form = byTestId<HTMLFormElement>(testId);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) {
      button.disabled = true;
    }
    action(form)
      .catch((error: unknown) => showProblem(errorTestId, error))
      .finally(() => {
        if (button) {
          button.disabled = false;
        }
      });
  });
}

function start(): void {
  for (const anchor of document.querySelectorAll<HTMLAnchorElement>('a[data-route]')) {
    anchor.href = BASE + (anchor.dataset.route ?? '/');
  }
  document.addEventListener('click', (event) => {
    const anchor = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[data-route]');
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(anchor.dataset.route ?? '/');
  });
  window.addEventListener('popstate', render);
  byTestId('logout').addEventListener('click', () => endSession());
  byTestId('verify-continue').addEventListener('click', () => navigate('/plans'));
  byTestId('regions').addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement;
    chosenRegion = input.value;
    if (catalog) {
      renderPlans(catalog);
    }
  });
  onSubmit('signup-form', 'signup-error', signUp);
  onSubmit('login-form', 'login-error', submitLogin);
  onSubmit('order-form', 'order-error', placeOrder);
  render();
}

start();

// The PLATFORMA admin viewer: one ES module, no framework. Everything it shows comes from the admin API with the
// bearer token kept in sessionStorage. Event payloads and headers are untrusted: data reaches the page only as text
// (textContent, text nodes, setAttribute with names chosen here), never as markup.

const TOKEN_KEY = 'platforma.admin.token';
const PAGE_SIZE = 50;
const REPLAY_POLL_MS = 500;
const REPLAY_TIMEOUT_MS = 30_000;
const KIND_LABELS = {
  order: 'order',
  saga_step: 'saga step',
  compensation: 'compensation',
  dead_letter: 'dead letter',
  event: 'event',
};

/** An RFC 9457 problem as one readable line: its detail or title, and the fields a validation failure names. */
function problemMessage(status, problem) {
  const main = problem && (problem.detail || problem.title);
  const fields = Array.isArray(problem?.errors) ? problem.errors.map((e) => e?.message).filter(Boolean) : [];
  const head = main ? String(main) : `The server answered ${status}`;
  return fields.length ? `${head}: ${fields.join('; ')}` : head;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problemMessage(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

const $ = (testId, root = document) => root.querySelector(`[data-testid="${testId}"]`);

/** A DOM element; props name attributes (never from data), children become text nodes unless they are nodes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = String(value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

const text = (value) => (value === undefined || value === null || value === '' ? '—' : String(value));
const json = (value) => JSON.stringify(value ?? null, null, 2);
const shortId = (id) => (typeof id === 'string' && id.length > 13 ? `${id.slice(0, 8)}…` : text(id));

function when(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').replace('Z', '');
}

function showError(testId, error) {
  const node = $(testId);
  if (!error) {
    node.hidden = true;
    node.textContent = '';
    return;
  }
  node.textContent = error instanceof Error ? error.message : String(error);
  node.hidden = false;
}

function setStatus(testId, message) {
  $(testId).textContent = message;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, String(value));
    }
  }
  const string = search.toString();
  return string ? `?${string}` : '';
}

// ---- session ----

const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    } else {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  },
};

async function api(path, { method = 'GET', body, auth = true } = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (auth && session.token) {
    headers.authorization = `Bearer ${session.token}`;
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const raw = await response.text();
  let data = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (auth && response.status === 401) {
      endSession('Your session has ended: log in again.');
    }
    throw error;
  }
  return data;
}

function endSession(message) {
  session.token = null;
  $('app-view').hidden = true;
  $('session').hidden = true;
  $('login-view').hidden = false;
  showError('login-error', message);
  for (const panel of Object.values(panels)) {
    panel.reset();
  }
}

async function logIn(apiKey) {
  session.token = null;
  const token = await api('/v1/auth/token', { method: 'POST', body: { apiKey }, auth: false });
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

function enterApp() {
  $('login-view').hidden = true;
  showError('login-error', null);
  $('session').hidden = false;
  $('app-view').hidden = false;
  route();
}

// ---- tabs and the address bar (#events, #order/<id>, #dlq, #consumers) ----

function showTab(name) {
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.setAttribute('aria-selected', String(button.dataset.tab === name));
  }
  for (const section of document.querySelectorAll('[data-panel]')) {
    section.hidden = section.dataset.panel !== name;
  }
}

function route() {
  const [name, argument] = location.hash.slice(1).split('/');
  const tab = Object.hasOwn(panels, name) ? name : 'events';
  showTab(tab);
  let decoded;
  try {
    decoded = argument ? decodeURIComponent(argument) : undefined;
  } catch {
    decoded = undefined;
  }
  void panels[tab].enter(decoded);
}

function navigate(hash) {
  if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

// ---- events ----

const events = {
  loaded: false,
  cursor: null,
  filters: {},
  // A search started later wins over an earlier one still in flight.
  generation: 0,

  reset() {
    this.generation++;
    this.loaded = false;
    this.cursor = null;
    $('events-rows').replaceChildren();
    $('event-details').hidden = true;
    $('events-more').hidden = true;
    setStatus('events-status', '');
    showError('events-error', null);
  },

  async enter() {
    if (!this.loaded) {
      await this.search();
    }
  },

  readFilters() {
    const form = new FormData($('events-filters'));
    const filters = {};
    for (const [name, value] of form.entries()) {
      const trimmed = String(value).trim();
      if (!trimmed) {
        continue;
      }
      if (name === 'from' || name === 'to') {
        const date = new Date(trimmed);
        if (Number.isNaN(date.getTime())) {
          throw new Error(`"${name}" is not a date`);
        }
        filters[name] = date.toISOString();
      } else {
        filters[name] = trimmed;
      }
    }
    return filters;
  },

  async search() {
    try {
      this.filters = this.readFilters();
    } catch (error) {
      showError('events-error', error);
      return;
    }
    this.generation++;
    this.cursor = null;
    $('events-rows').replaceChildren();
    $('event-details').hidden = true;
    $('events-more').hidden = true;
    await this.load();
  },

  async load() {
    const generation = this.generation;
    showError('events-error', null);
    setStatus('events-status', 'Loading…');
    $('events-more').disabled = true;
    try {
      const page = await api(
        `/v1/admin/audit/events${query({ ...this.filters, cursor: this.cursor, limit: PAGE_SIZE })}`,
      );
      if (generation !== this.generation) {
        return;
      }
      this.loaded = true;
      const rows = $('events-rows');
      rows.append(...page.items.map((item) => this.row(item)));
      this.cursor = page.nextCursor;
      $('events-more').hidden = !page.nextCursor;
      const count = rows.children.length;
      setStatus('events-status', count === 0 ? 'No events match.' : `${count} events shown, newest first.`);
    } catch (error) {
      if (generation === this.generation) {
        setStatus('events-status', '');
        showError('events-error', error);
      }
    } finally {
      $('events-more').disabled = false;
    }
  },

  row(item) {
    const stop = (handler) => (event) => {
      event.stopPropagation();
      handler();
    };
    const row = el(
      'tr',
      {
        class: 'clickable',
        'data-testid': 'event-row',
        'data-id': item.id,
        'data-event-id': item.eventId,
        'data-type': item.type,
        'data-order-id': item.orderId,
        tabindex: 0,
      },
      el('td', { class: 'mono' }, when(item.occurredAt)),
      el(
        'td',
        {},
        el('code', { 'data-testid': 'event-type' }, text(item.type)),
        item.version ? ` v${item.version}` : '',
        item.deadLetter ? [' ', el('span', { class: 'badge dead-letter' }, 'dead letter')] : [],
        item.redriveCount > 0 ? [' ', el('span', { class: 'badge' }, `redriven #${item.redriveCount}`)] : [],
      ),
      el('td', { class: 'mono', title: text(item.tenantId) }, shortId(item.tenantId)),
      el(
        'td',
        { class: 'mono' },
        item.orderId
          ? el(
              'button',
              {
                type: 'button',
                class: 'link',
                title: `Timeline of order ${item.orderId}`,
                'data-testid': 'event-order-link',
                onclick: stop(() => navigate(`#order/${encodeURIComponent(item.orderId)}`)),
              },
              shortId(item.orderId),
            )
          : '—',
      ),
      el(
        'td',
        { class: 'mono' },
        item.correlationId
          ? el(
              'button',
              {
                type: 'button',
                class: 'link',
                title: `Every event of correlation ${item.correlationId}`,
                'data-testid': 'event-correlation-link',
                onclick: stop(() => this.filterBy({ correlationId: item.correlationId })),
              },
              shortId(item.correlationId),
            )
          : '—',
      ),
      el('td', { class: 'mono' }, `${text(item.topic)} / ${text(item.partition)} @ ${text(item.offset)}`),
    );
    const open = () => {
      for (const other of $('events-rows').querySelectorAll('tr.selected')) {
        other.classList.remove('selected');
      }
      row.classList.add('selected');
      void this.details(item);
    };
    row.addEventListener('click', open);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        open();
      }
    });
    return row;
  },

  filterBy(filters) {
    const form = $('events-filters');
    form.reset();
    for (const [name, value] of Object.entries(filters)) {
      form.elements.namedItem(name).value = value;
    }
    navigate('#events');
    void this.search();
  },

  async details(item) {
    $('event-details').hidden = false;
    $('event-details-title').textContent = text(item.type);
    $('event-details-meta').replaceChildren(
      ...metaList({
        'Event id': item.eventId,
        Version: item.version,
        Topic: `${text(item.topic)} / ${text(item.partition)} @ ${text(item.offset)}`,
        Tenant: item.tenantId,
        'Correlation id': item.correlationId,
        'Causation id': item.causationId,
        'Order id': item.orderId,
        Occurred: when(item.occurredAt),
        Recorded: when(item.recordedAt),
        ...deadLetterMeta(item.deadLetter),
      }),
    );
    // A record that is not JSON has no payload, only its raw value.
    $('event-details-payload').textContent =
      item.payload === null && item.rawValue ? String(item.rawValue) : json(item.payload);
    $('event-details-headers').textContent = json(item.headers);
    const records = $('event-details-records');
    if (!item.eventId) {
      records.textContent = 'This record carries no event id.';
      return;
    }
    records.textContent = 'Looking for other records of this event…';
    try {
      const all = await api(`/v1/admin/audit/events/${encodeURIComponent(item.eventId)}`);
      records.textContent =
        all.records.length <= 1
          ? 'Recorded once.'
          : `Recorded ${all.records.length} times: ${all.records
              .map((r) => `${r.topic} / ${r.partition} @ ${r.offset}${r.deadLetter ? ' (dead letter)' : ''}`)
              .join('; ')}`;
    } catch (error) {
      records.textContent = `Other records could not be loaded: ${error.message}`;
    }
  },
};

function metaList(entries) {
  return Object.entries(entries).flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, text(value))]);
}

function deadLetterMeta(deadLetter) {
  if (!deadLetter) {
    return {};
  }
  return {
    'Dead letter': deadLetter.error,
    Attempts: deadLetter.attempts,
    'Consumer group': deadLetter.consumerGroup,
    'Original record': `${text(deadLetter.originalTopic)} / ${text(deadLetter.originalPartition)} @ ${text(
      deadLetter.originalOffset,
    )}`,
    Redrives: deadLetter.redriveCount,
  };
}

// ---- an order's timeline and its replay ----

const order = {
  orderId: null,

  reset() {
    this.orderId = null;
    $('timeline').replaceChildren();
    $('order-summary').hidden = true;
    $('replay-result').hidden = true;
    setStatus('order-status', '');
    showError('order-error', null);
  },

  async enter(orderId) {
    if (orderId && orderId !== this.orderId) {
      $('order-id').value = orderId;
      await this.show(orderId);
    }
  },

  async show(orderId) {
    this.reset();
    this.orderId = orderId;
    setStatus('order-status', 'Loading the timeline…');
    try {
      const timeline = await api(`/v1/admin/orders/${encodeURIComponent(orderId)}/timeline`);
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
  },

  entry(entry) {
    const kind = Object.hasOwn(KIND_LABELS, entry.kind) ? entry.kind : 'event';
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
        el(
          'span',
          { class: 'meta' },
          `${text(entry.topic)} / ${text(entry.partition)} @ ${text(entry.offset)}`,
        ),
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
    if (Array.isArray(entry.actions) && entry.actions.length > 0) {
      item.append(
        el('ul', { class: 'actions', 'data-testid': 'timeline-actions' }, entry.actions.map(actionLine)),
      );
    }
    if (entry.deadLetter) {
      item.append(redriveControl(entry));
    }
    return item;
  },

  async replay() {
    const orderId = this.orderId;
    const button = $('replay-button');
    const result = $('replay-result');
    button.disabled = true;
    result.hidden = false;
    result.replaceChildren(el('p', { class: 'status' }, 'Replaying the order’s events…'));
    try {
      const started = await api(`/v1/admin/orders/${encodeURIComponent(orderId)}/replays`, {
        method: 'POST',
      });
      const deadline = Date.now() + REPLAY_TIMEOUT_MS;
      let replay = await api(`/v1/admin/replays/${encodeURIComponent(started.replayId)}`);
      while (replay.status !== 'done' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
        replay = await api(`/v1/admin/replays/${encodeURIComponent(started.replayId)}`);
      }
      if (this.orderId === orderId) {
        result.replaceChildren(...replayReport(replay));
      }
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message));
    } finally {
      button.disabled = false;
    }
  },
};

function replayReport(replay) {
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
  const parts = [verdict];
  if (replay.differences?.length) {
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

// ---- dead letters ----

/** One operator action already taken on a record, e.g. an earlier redrive. */
function actionLine(action) {
  const actor = action.actor ? `${text(action.actor.role)} ${text(action.actor.userId)}` : 'someone';
  const reason = action.reason ? `: ${action.reason}` : '';
  const detail = action.detail ? ` (${action.detail})` : '';
  return el(
    'li',
    {},
    `${text(action.action)} by ${actor} at ${when(action.at)}${reason} → ${text(action.result)}${detail}`,
  );
}

/** The Redrive button and the reason it asks for; the result replaces the form. */
function redriveControl(item) {
  const result = el('span', { class: 'status', 'data-testid': 'redrive-result' });
  const reason = el('input', {
    name: 'reason',
    required: true,
    minlength: 3,
    maxlength: 500,
    placeholder: 'Why redrive it?',
    'data-testid': 'redrive-reason',
  });
  const form = el(
    'form',
    { class: 'redrive-form', hidden: true, 'data-testid': 'redrive-form' },
    reason,
    el('button', { type: 'submit', 'data-testid': 'redrive-confirm' }, 'Send again'),
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
      const submit = form.querySelector('button[type="submit"]');
      submit.disabled = true;
      try {
        const sent = await api(`/v1/admin/dlq/${encodeURIComponent(item.id)}/redrive`, {
          method: 'POST',
          body: { reason: reason.value.trim() },
        });
        form.hidden = true;
        open.disabled = true;
        result.className = 'status';
        result.textContent = `Sent again to ${text(sent.redrivenTo)} (action ${text(sent.actionId)}).`;
      } catch (error) {
        result.className = 'error';
        result.textContent = error.message;
      } finally {
        submit.disabled = false;
      }
    })();
  });
  return el('div', { class: 'redrive' }, open, form, result);
}

const dlq = {
  cursor: null,
  topic: '',
  generation: 0,

  reset() {
    this.generation++;
    this.cursor = null;
    $('dlq-rows').replaceChildren();
    $('dlq-more').hidden = true;
    setStatus('dlq-status', '');
    showError('dlq-error', null);
  },

  async enter() {
    await this.search();
  },

  async search() {
    this.topic = String(new FormData($('dlq-filters')).get('topic') ?? '').trim();
    this.reset();
    await this.load();
  },

  async load() {
    const generation = this.generation;
    showError('dlq-error', null);
    setStatus('dlq-status', 'Loading…');
    try {
      const page = await api(
        `/v1/admin/dlq${query({ topic: this.topic, cursor: this.cursor, limit: PAGE_SIZE })}`,
      );
      if (generation !== this.generation) {
        return;
      }
      const rows = $('dlq-rows');
      rows.append(...page.items.map((item) => this.row(item)));
      this.cursor = page.nextCursor;
      $('dlq-more').hidden = !page.nextCursor;
      const count = rows.children.length;
      setStatus(
        'dlq-status',
        count === 0 ? 'No dead letters.' : `${count} dead letters shown, newest first.`,
      );
    } catch (error) {
      if (generation === this.generation) {
        setStatus('dlq-status', '');
        showError('dlq-error', error);
      }
    }
  },

  row(item) {
    const letter = item.deadLetter ?? {};
    return el(
      'tr',
      { 'data-testid': 'dlq-row', 'data-id': item.id, 'data-event-id': item.eventId, 'data-type': item.type },
      el('td', { class: 'mono' }, when(item.occurredAt)),
      el('td', {}, el('code', {}, text(item.type))),
      el(
        'td',
        { class: 'mono' },
        `${text(letter.originalTopic)} / ${text(letter.originalPartition)} @ ${text(letter.originalOffset)}`,
      ),
      el('td', { class: 'mono' }, text(letter.consumerGroup)),
      el('td', { 'data-testid': 'dlq-error-text' }, text(letter.error)),
      el('td', {}, text(letter.attempts)),
      el('td', {}, text(letter.redriveCount)),
      el(
        'td',
        {},
        item.redriven ? el('span', { class: 'badge', 'data-testid': 'dlq-redriven' }, 'redriven') : '',
        redriveControl(item),
      ),
    );
  },
};

// ---- consumer lag ----

const consumers = {
  reset() {
    $('consumer-groups').replaceChildren();
    setStatus('consumers-status', '');
    showError('consumers-error', null);
  },

  async enter() {
    await this.load();
  },

  async load() {
    showError('consumers-error', null);
    setStatus('consumers-status', 'Loading…');
    try {
      const lag = await api('/v1/admin/consumers/lag');
      $('consumer-groups').replaceChildren(...lag.groups.map((group) => this.group(group)));
      const total = lag.groups.reduce((sum, group) => sum + (Number(group.lag) || 0), 0);
      setStatus(
        'consumers-status',
        lag.groups.length === 0
          ? 'No consumer groups.'
          : `${lag.groups.length} consumer groups, ${total} records behind in all.`,
      );
    } catch (error) {
      setStatus('consumers-status', '');
      showError('consumers-error', error);
    }
  },

  group(group) {
    const lagClass = (lag) => (Number(lag) > 0 ? 'lag-behind' : 'lag-zero');
    return el(
      'section',
      { class: 'group', 'data-testid': 'consumer-group', 'data-group-id': group.groupId },
      el(
        'h3',
        {},
        el('code', { 'data-testid': 'consumer-group-id' }, text(group.groupId)),
        el(
          'span',
          { class: lagClass(group.lag), 'data-testid': 'consumer-group-lag' },
          `lag ${text(group.lag)}`,
        ),
      ),
      group.topics.length === 0
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
              group.topics.flatMap((topic) =>
                topic.partitions.map((p) =>
                  el(
                    'tr',
                    { 'data-testid': 'consumer-partition' },
                    el('td', { class: 'mono' }, text(topic.topic)),
                    el('td', {}, text(p.partition)),
                    el('td', {}, text(p.committedOffset)),
                    el('td', {}, text(p.endOffset)),
                    el('td', { class: lagClass(p.lag) }, text(p.lag)),
                  ),
                ),
              ),
            ),
          ),
    );
  },
};

const panels = { events, order, dlq, consumers };

// ---- wiring ----

function start() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('login-api-key');
    const submit = $('login-submit');
    submit.disabled = true;
    showError('login-error', null);
    void logIn(input.value.trim())
      .then(() => {
        input.value = '';
        enterApp();
      })
      .catch((error) => showError('login-error', error))
      .finally(() => (submit.disabled = false));
  });
  $('logout').addEventListener('click', () => endSession(null));
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.addEventListener('click', () => navigate(`#${button.dataset.tab}`));
  }
  window.addEventListener('hashchange', () => {
    if (session.token) {
      route();
    }
  });

  $('events-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void events.search();
  });
  $('events-filters').addEventListener('reset', () => setTimeout(() => void events.search()));
  $('events-more').addEventListener('click', () => void events.load());
  $('event-details-close').addEventListener('click', () => ($('event-details').hidden = true));

  $('order-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const orderId = $('order-id').value.trim();
    if (orderId) {
      order.orderId = null;
      navigate(`#order/${encodeURIComponent(orderId)}`);
    }
  });
  $('replay-button').addEventListener('click', () => void order.replay());

  $('dlq-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void dlq.search();
  });
  $('dlq-more').addEventListener('click', () => void dlq.load());
  $('consumers-refresh').addEventListener('click', () => void consumers.load());

  if (session.token) {
    enterApp();
  } else {
    $('login-view').hidden = false;
  }
}

start();

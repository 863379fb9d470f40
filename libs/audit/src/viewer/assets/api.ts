// The admin API with the bearer token kept in sessionStorage; its failures as RFC 9457 problems.

const TOKEN_KEY = 'platforma.admin.token';

/** An RFC 9457 problem, as far as the page reads one. */
interface Problem {
  /** The domain's stable error code (dev-mail-off, group-active, …). */
  code?: unknown;
  title?: unknown;
  detail?: unknown;
  errors?: unknown;
}

/** An RFC 9457 problem as one readable line: its detail or title, and the fields a validation failure names. */
function problemMessage(status: number, problem: Problem | null): string {
  const main = [problem?.detail, problem?.title].find((value) => typeof value === 'string' && value !== '');
  const fields = Array.isArray(problem?.errors)
    ? (problem.errors as unknown[])
        .map((e) => (typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined))
        .filter((message) => typeof message === 'string' && message !== '')
    : [];
  const head = typeof main === 'string' ? main : `The server answered ${status}`;
  return fields.length ? `${head}: ${fields.join('; ')}` : head;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problemMessage(status, problem));
  }
}

export const session = {
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

let sessionEnded: (message: string) => void = () => undefined;

/** What the page does when the API refuses the token (it expired): admin.ts shows the login again. */
export function onSessionEnded(handler: (message: string) => void): void {
  sessionEnded = handler;
}

export async function api<T>(
  path: string,
  { method = 'GET', body, auth = true }: { method?: 'GET' | 'POST'; body?: unknown; auth?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
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
  let data: unknown = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, typeof data === 'object' ? data : null);
    if (auth && response.status === 401) {
      sessionEnded('Your session has ended: log in again.');
    }
    throw error;
  }
  return data as T;
}

/** A query string of the parameters that have a value. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, String(value));
    }
  }
  const string = search.toString();
  return string ? `?${string}` : '';
}

export const PAGE_SIZE = 50;

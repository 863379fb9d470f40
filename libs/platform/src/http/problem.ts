/** RFC 9457 problem details, the body of every HTTP error PLATFORMA returns. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: { field: string; message: string }[];
  /** Health endpoints: every check's state (what @nestjs/terminus reports), so an operator sees what is down. */
  checks?: Record<string, unknown>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://platforma.dev/problems/';

/** An error a domain raises on purpose: its code becomes the stable problem type. */
export class DomainProblem extends Error {
  /** Sent as Retry-After: when the same request may succeed. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
    this.name = 'DomainProblem';
  }
}

/** A domain's exception class from its code table: each domain states its codes, statuses and titles only. */
export function problemsOf<C extends string>(table: Record<C, readonly [number, string]>) {
  return class extends DomainProblem {
    constructor(code: C, detail?: string) {
      const [status, title] = table[code];
      super(status, code, title, detail);
    }
  };
}

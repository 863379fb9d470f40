import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line made while serving one request or handling one event carries, besides the trace id. */
export interface LogFields {
  readonly correlationId?: string;
  /** A getter for HTTP: the tenant is known only once the auth guard has run. */
  readonly tenantId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/**
 * The request's or the event's correlation and tenant, for the logger to add to each line. Its own async storage
 * rather than OpenTelemetry's context, so logs keep these fields when tracing is disabled.
 */
export const LogContext = {
  run<T>(fields: LogFields, work: () => T): T {
    return storage.run(fields, work);
  },

  current(): LogFields | undefined {
    return storage.getStore();
  },
};

export { AppConfig } from './config/app.config.js';
export { loadConfig, ConfigError } from './config/load-config.js';
export { allowStandIn, refuseDevMailCatcher } from './config/production-guard.js';
export { ProblemFilter } from './http/problem.filter.js';
export { problemsOf, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './http/problem.js';
export {
  bootstrap,
  createPlatformApp,
  type AppDefinition,
  type DomainRegistration,
} from './bootstrap/bootstrap.js';
export { Public, Roles, CurrentPrincipal, type AuthenticatedRequest } from './auth/auth.decorators.js';
export { TokenService, type VerifiedToken } from './auth/token.service.js';
export { TENANT_ACCESS_EVENTS, TENANT_ACCESS_GROUP } from './auth/tenant-access.service.js';
export { AuthBackoffService, type AuthAttempt } from './auth/auth-backoff.service.js';
export { type Principal, type Role, PLATFORM_TENANT_ID } from './auth/principal.js';
export { PageQuery } from './http/page.query.js';
export {
  ADMIN_PAGE_DEFAULT_LIMIT,
  ADMIN_PAGE_MAX_LIMIT,
  decodeCursor,
  encodeCursor,
  KeysetPageQuery,
  keysetPage,
  type KeysetPosition,
  keysetTimeSql,
} from './http/keyset-cursor.js';
export {
  assetDirectories,
  PAGE_CSP,
  type PageBundle,
  readPage,
  ServesPageFile,
  transpilePageModule,
} from './http/page-assets.js';
export { SecretSealer, type Sealed } from './crypto/secret.sealer.js';
export { startTelemetry, shutdownTelemetry, type TelemetryOptions } from './telemetry/telemetry.sdk.js';
export { METRIC_SERVICE } from './telemetry/observability.module.js';
export { Span } from './telemetry/span.decorator.js';
export { signWebhook, verifyWebhookSignature, type SignatureCheck } from './crypto/webhook-signature.js';
export {
  Clock,
  ClockModule,
  type DueRun,
  DuePoller,
  type DuePollerOptions,
  TestClock,
} from './clock/index.js';

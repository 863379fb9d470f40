export { AppConfig } from './config/app.config.js';
export { loadConfig, ConfigError } from './config/load-config.js';
export { allowStandIn, productionRefusals } from './config/production-guard.js';
export { ConfigModule } from './config/config.module.js';
export { ProblemFilter } from './http/problem.filter.js';
export { DomainProblem, problemsOf, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './http/problem.js';
export {
  bootstrap,
  createPlatformApp,
  type AppDefinition,
  type DomainRegistration,
} from './bootstrap/bootstrap.js';
export { Public, Roles, CurrentPrincipal, type AuthenticatedRequest } from './auth/auth.decorators.js';
export { TokenService, InvalidTokenError, type VerifiedToken } from './auth/token.service.js';
export { TENANT_ACCESS_EVENTS, TENANT_ACCESS_GROUP } from './auth/tenant-access.js';
export { AuthBackoffService, type AuthAttempt } from './auth/auth-backoff.service.js';
export { type Principal, type Role, ROLES, PLATFORM_TENANT_ID } from './auth/principal.js';
export { PageQuery } from './http/page.query.js';
export { assetDirectories, PAGE_CSP, readPageFiles, ServesPageFile } from './http/page-assets.js';
export { SecretSealer, type Sealed } from './crypto/secret.sealer.js';
export { startTelemetry, shutdownTelemetry, type TelemetryOptions } from './telemetry/telemetry.sdk.js';
export { METRIC_SERVICE } from './telemetry/observability.module.js';
export { Span } from './telemetry/span.decorator.js';
export { signWebhook, verifyWebhookSignature, type SignatureCheck } from './crypto/webhook-signature.js';
export {
  Clock,
  ClockModule,
  DuePoller,
  type DuePollerOptions,
  SystemClock,
  TestClock,
} from './clock/index.js';

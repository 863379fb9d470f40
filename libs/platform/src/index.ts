export { AppConfig } from './config/app.config.js';
export { loadConfig, ConfigError } from './config/load-config.js';
export { ConfigModule } from './config/config.module.js';
export { ProblemFilter } from './http/problem.filter.js';
export { DomainProblem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './http/problem.js';
export {
  bootstrap,
  createPlatformApp,
  type AppDefinition,
  type DomainRegistration,
} from './bootstrap/bootstrap.js';

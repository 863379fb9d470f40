import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { AppConfig, isSecretVariable } from './app.config.js';
import { ConfigError } from './config-error.js';
import { productionRefusals } from './production-guard.js';
import { keySetRefusals } from '../auth/jwt-keys.js';

export { ConfigError };

/** A write needing more in-sync replicas than a topic has could never be acknowledged. */
function replicationRefusals(config: AppConfig): { variable: string; message: string }[] {
  const [replicas, needed] = [config.kafkaReplicationFactor, config.kafkaMinInsyncReplicas];
  return needed > replicas
    ? [
        {
          variable: 'KAFKA_MIN_INSYNC_REPLICAS',
          message: `KAFKA_MIN_INSYNC_REPLICAS=${needed} exceeds the replication factor ${replicas}: no write could succeed`,
        },
      ]
    : [];
}

const describe = (error: ValidationError, raw: Record<string, string | undefined>): string => {
  const shown = isSecretVariable(error.property) ? '<secret>' : JSON.stringify(raw[error.property]);
  const reasons = Object.values(error.constraints ?? {}).join(', ');
  return `${error.property}=${shown}: ${reasons}`;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  // Empty strings mean "unset", so a blank line in .env falls back to the default instead of failing.
  const provided = Object.fromEntries(known.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const config = plainToInstance(AppConfig, provided, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => e.property),
      errors.map((e) => describe(e, env)),
    );
  }
  const refused = [...keySetRefusals(config), ...replicationRefusals(config), ...productionRefusals(config)];
  if (refused.length > 0) {
    throw new ConfigError(
      refused.map((r) => r.variable),
      refused.map((r) => r.message),
    );
  }
  return config;
}

import { Logger } from '@nestjs/common';
import { AppConfig } from './app.config.js';
import { ConfigError } from './config-error.js';

export interface Refusal {
  variable: string;
  message: string;
}

/** Secrets production must set itself, each with the shortest value it accepts and how to make one. */
const PRODUCTION_SECRETS = {
  PAYMENT_WEBHOOK_SECRET: { minLength: 32, make: 'openssl rand -hex 32' },
  SECRETS_KEY: { minLength: 44, make: 'openssl rand -base64 32' },
  // An open /metrics tells anyone the traffic, tenants' order rates and the dependencies' state.
  METRICS_TOKEN: { minLength: 32, make: 'openssl rand -hex 32' },
} as const satisfies Partial<Record<keyof AppConfig, { minLength: number; make: string }>>;

/** Values that ship with the project (AppConfig's defaults, .env.example, the manifests' placeholders). */
const SHIPPED = new Set<string>([
  ...Object.keys(PRODUCTION_SECRETS).map((k) => new AppConfig()[k as keyof typeof PRODUCTION_SECRETS]),
  'REPLACE_ME',
]);

/**
 * What production refuses to boot with: a secret left empty (an empty variable counts as unset and so takes the
 * public development default), shorter than its minimum or equal to a value the project ships; customer webhooks
 * allowed to reach http:// and private addresses; the development mail catcher's directory served to the console. Each refusal names its variable; values are never printed.
 */
/** The address `npm start` runs its mail catcher on (scripts/start.sh, src/cli/dev-mail.cli.ts). */
const DEV_MAIL_CATCHER = /^smtps?:\/\/([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\]):1025(\/|$)/i;

export function productionRefusals(config: AppConfig): Refusal[] {
  if (config.NODE_ENV !== 'production') {
    return [];
  }
  const refusals: Refusal[] = [];
  for (const [variable, rule] of Object.entries(PRODUCTION_SECRETS)) {
    const value = String(config[variable as keyof typeof PRODUCTION_SECRETS]);
    if (SHIPPED.has(value)) {
      refusals.push({
        variable,
        message: `${variable} is unset or a value the project ships, refused in production: make one with \`${rule.make}\``,
      });
    } else if (value.length < rule.minLength) {
      refusals.push({
        variable,
        message: `${variable} is shorter than ${rule.minLength} characters, refused in production`,
      });
    }
  }
  if (config.DEV_MAIL_DIR !== '') {
    refusals.push({
      variable: 'DEV_MAIL_DIR',
      message: 'DEV_MAIL_DIR serves caught development mail to the console, refused in production',
    });
  }
  if (config.WEBHOOK_ALLOW_INSECURE_URLS) {
    refusals.push({
      variable: 'WEBHOOK_ALLOW_INSECURE_URLS',
      message:
        'WEBHOOK_ALLOW_INSECURE_URLS=true lets customer webhooks reach internal addresses, refused in production',
    });
  }
  return refusals;
}

/**
 * Called where a stand-in (the test payment gateway, the provisioning simulator) is about to be bound: production
 * refuses it unless the operator allowed it by name, and then says so at every boot.
 */
export function allowStandIn(
  config: AppConfig,
  variable: 'ALLOW_TEST_PAYMENTS' | 'ALLOW_SIMULATED_PROVISIONING',
  what: string,
): void {
  if (config.NODE_ENV !== 'production') {
    return;
  }
  if (!config[variable]) {
    throw new ConfigError(
      [variable],
      [
        `${what} would be bound in production: configure a real one, or set ${variable}=true to run it anyway`,
      ],
    );
  }
  new Logger('ProductionGuard').warn(`${variable}=true: ${what} runs in production`);
}

/**
 * Called where mail is about to be sent (MailSender): production refuses the development mail catcher as its mail
 * server (SMTP_URL unset means it), which keeps mail instead of delivering it.
 */
export function refuseDevMailCatcher(config: AppConfig): void {
  if (config.NODE_ENV === 'production' && DEV_MAIL_CATCHER.test(config.SMTP_URL)) {
    throw new ConfigError(
      ['SMTP_URL'],
      [
        'SMTP_URL is unset or the development mail catcher (port 1025 on this host), which keeps mail instead of sending it: set your mail server',
      ],
    );
  }
}

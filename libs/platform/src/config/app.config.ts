import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import type { KafkaSasl, MessagingSettings } from '@app/messaging';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { parseTrustProxy } from './trust-proxy.js';

const SECRET_KEYS = new Set<string>();
/** Marks a variable whose value must never be printed, not even in a validation error. */
const Secret = (): PropertyDecorator => (_target, key) => void SECRET_KEYS.add(String(key));
export const isSecretVariable = (name: string): boolean => SECRET_KEYS.has(name);

/**
 * Reads the raw string: implicit conversion has already turned `value` into Boolean('false'), which is true, so
 * every boolean set to "false" or "0" would read as set.
 */
type Raw = { key: string; obj: Record<string, unknown>; value: unknown };
const toBoolean = ({ key, obj, value }: Raw): unknown => {
  const raw = key in obj ? obj[key] : value;
  return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
};

/** `ip`, `ip:port` or `[ipv6]:port`, as node:dns setServers takes them; undefined when it is none of those. */
function dnsServer(entry: string): string | undefined {
  const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ?? /^([\d.]+)(?::(\d{1,5}))?$/.exec(entry);
  const [address, port] = match ? [match[1] ?? '', match[2]] : [entry, undefined];
  const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
  return isIP(address) !== 0 && portOk ? entry : undefined;
}

const DnsServers = (): PropertyDecorator =>
  ValidateBy({
    name: 'dnsServers',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && (value === '' || value.split(',').every((e) => dnsServer(e.trim()))),
      defaultMessage: (args) =>
        `${args?.property} must be a comma-separated list of ip, ip:port or [ipv6]:port`,
    },
  });

/** The shape only: the module reading the variable checks each entry at boot. */
const JsonArrayOfObjects = (): PropertyDecorator =>
  ValidateBy({
    name: 'jsonArrayOfObjects',
    validator: {
      validate: (value: unknown) => {
        try {
          const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : undefined;
          return (
            Array.isArray(parsed) &&
            parsed.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))
          );
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => `${args?.property} must be a JSON array of objects (see .env.example)`,
    },
  });

const pem = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(/\\n/g, '\n') : value;

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`KAFKA_SSL_CA_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * The environment, validated once at boot. Every variable is documented in .env.example with a default that
 * works on a developer machine; production overrides them.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsString()
  HOST: string = '0.0.0.0';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Traces' service.name; empty: "platforma" for the monolith, "platforma-<module>" for a split app. */
  @Matches(/^[\w.-]*$/, { message: 'OTEL_SERVICE_NAME may hold only letters, digits, ".", "_" and "-"' })
  OTEL_SERVICE_NAME: string = '';

  /** Where spans go; empty: otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set, none otherwise. */
  @Matches(/^((otlp|console|none)(,(otlp|console|none))*)?$/, {
    message: 'OTEL_TRACES_EXPORTER must be a comma-separated list of otlp, console, none',
  })
  OTEL_TRACES_EXPORTER: string = '';

  @Matches(/^(https?:\/\/\S+)?$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT: string = '';

  /** A span per SQL statement (pg instrumentation); off, an order's trace holds its hops and handlers. */
  @IsIn(['', 'true', 'false'], { message: 'OTEL_DATABASE_SPANS must be true or false' })
  OTEL_DATABASE_SPANS: '' | 'true' | 'false' = '';

  /**
   * When set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; when empty, it is open, which production
   * refuses.
   */
  @Secret()
  @Matches(/^(\S{16,})?$/, { message: 'METRICS_TOKEN must be at least 16 characters without spaces' })
  METRICS_TOKEN: string = '';

  @Secret()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// connection URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/platforma';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsBoolean()
  @Transform(toBoolean)
  DATABASE_LOGGING: boolean = false;

  /**
   * Statements each connection runs again and again are prepared on it (parsed and planned once). Off only behind a
   * pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  @IsBoolean()
  @Transform(toBoolean)
  DATABASE_PREPARED_STATEMENTS: boolean = true;

  /**
   * A transaction's BEGIN is held and sent with its first statement, one round trip instead of two, and the COMMIT of
   * one that ends with its held outbox rows goes with their INSERT; a statement whose answer the code does not wait
   * for (queryAhead: an order's advisory lock, a history line) goes with the next one (deferred-begin.ts in
   * libs/database). Off only
   * behind a pooler that does not pass several queries in one write through in order.
   */
  @IsBoolean()
  @Transform(toBoolean)
  DATABASE_DEFER_BEGIN: boolean = true;

  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsString()
  @MinLength(1)
  KAFKA_CLIENT_ID: string = 'platforma';

  /** Before every topic and consumer group name: environments share a broker this way, never a database. */
  @Matches(/^[a-zA-Z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX: string = '';

  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_TOPIC_PARTITIONS: number = 6;

  /** Replicas of each topic PLATFORMA creates; 0 (the default): 3 when KAFKA_BROKERS names three or more, else 1. */
  @IsInt()
  @Min(0)
  @Max(7)
  KAFKA_REPLICATION_FACTOR: number = 0;

  /**
   * In-sync replicas a write needs before the broker acknowledges it (the producers ask for all of them): with 3
   * replicas and 2 here, losing one broker loses no acknowledged record and stops no write. 0 (the default): 2 with a
   * replication factor of 3 or more, else 1.
   */
  @IsInt()
  @Min(0)
  @Max(7)
  KAFKA_MIN_INSYNC_REPLICAS: number = 0;

  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_PARTITIONS_CONCURRENCY: number = 6;

  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  /** A consumed record larger than this is dead-lettered unread; keep it at or below the broker's message.max.bytes. */
  @IsInt()
  @Min(1_024)
  @Max(104_857_600)
  KAFKA_MAX_RECORD_BYTES: number = 1_048_576;

  /** TLS to the brokers (a SASL_SSL listener); certificates are verified, against KAFKA_SSL_CA_FILE when set. */
  @IsBoolean()
  @Transform(toBoolean)
  KAFKA_SSL: boolean = false;

  /** PEM file of the CA that signed the brokers' certificates (the truststore's CA); empty: the system's roots. */
  @ValidateIf((config: AppConfig) => config.KAFKA_SSL_CA_FILE !== '')
  @Matches(/^\/\S+$/, { message: 'KAFKA_SSL_CA_FILE must be an absolute path' })
  KAFKA_SSL_CA_FILE: string = '';

  /** SASL mechanism of the app's Kafka user; empty: no authentication (development). Production: scram-sha-512. */
  @IsIn(['', 'plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM: '' | KafkaSasl['mechanism'] = '';

  @ValidateIf((config: AppConfig) => config.KAFKA_SASL_MECHANISM !== '')
  @Matches(/^\S+$/, { message: 'KAFKA_SASL_USERNAME is needed with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_USERNAME: string = '';

  @Secret()
  @ValidateIf((config: AppConfig) => config.KAFKA_SASL_MECHANISM !== '')
  @MinLength(1, { message: 'KAFKA_SASL_PASSWORD is needed with KAFKA_SASL_MECHANISM' })
  KAFKA_SASL_PASSWORD: string = '';

  /**
   * The Ed25519 public keys (SPKI PEM, one after another; literal \\n allowed) every app verifies access tokens with,
   * each named by its thumbprint (the token's kid). Rotation: add the new key everywhere, then switch
   * JWT_PRIVATE_KEY, then remove the old key once JWT_TTL_SECONDS have passed. Published at /.well-known/jwks.json.
   */
  @Transform(pem)
  @Matches(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, {
    message: 'JWT_PUBLIC_KEY must be a PEM public key (npm start generates a development pair)',
  })
  JWT_PUBLIC_KEY: string = '';

  /** Ed25519 private key (PKCS#8 PEM), needed only where the accounts module runs; its public key is in JWT_PUBLIC_KEY. */
  @Secret()
  @Transform(pem)
  @Matches(/^(-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\s*)?$/, {
    message: 'JWT_PRIVATE_KEY must be a PEM private key',
  })
  JWT_PRIVATE_KEY: string = '';

  @IsString()
  @MinLength(1)
  JWT_ISSUER: string = 'platforma';

  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_TTL_SECONDS: number = 900;

  /** API key of the operator's admin user, created at first boot when set. */
  @Secret()
  @Matches(/^(pk_[A-Za-z0-9]+_[A-Za-z0-9_-]{32,})?$/, {
    message: 'BOOTSTRAP_ADMIN_API_KEY must look like pk_<id>_<secret of 32+ characters>',
  })
  BOOTSTRAP_ADMIN_API_KEY: string = '';

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 600;

  /**
   * Which proxies' X-Forwarded-For the apps believe, so rate limits and failed-login counting see the client rather
   * than the gateway: 0 (none: the socket's peer is the client), a hop count (1 behind the shipped gateway), or a
   * comma-separated list of proxy addresses/CIDRs (also loopback, linklocal, uniquelocal). Trusting more hops than
   * there are proxies lets a client pick its own address.
   */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        'TRUST_PROXY must be a hop count (0-99) or a comma-separated list of IP addresses/CIDRs ' +
        '(or loopback, linklocal, uniquelocal)',
    },
  })
  TRUST_PROXY: string = '0';

  /**
   * Failed authentications (wrong API key, invalid bearer token) a client address, or an API key id, may have before
   * each further one makes it wait: 1 s, doubling up to AUTH_BACKOFF_MAX_SECONDS.
   */
  @IsInt()
  @Min(1)
  @Max(1_000)
  AUTH_FAILURE_LIMIT: number = 10;

  /** The longest wait after failed authentications; failures are forgotten this long after the last wait ends. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_BACKOFF_MAX_SECONDS: number = 900;

  @Matches(/^\d+(b|kb|mb)$/, { message: 'HTTP_BODY_LIMIT must be a size such as 100kb' })
  HTTP_BODY_LIMIT: string = '100kb';

  @IsInt()
  @Min(1)
  @Max(720)
  IDEMPOTENCY_KEY_TTL_HOURS: number = 24;

  /** Seconds between the comment lines that keep an idle order event stream (and the proxies on its way) open. */
  @IsInt()
  @Min(1)
  @Max(300)
  ORDER_STREAM_HEARTBEAT_SECONDS: number = 15;

  /** Order event streams one account may hold open on one process at once; more are refused with 429. */
  @IsInt()
  @Min(1)
  @Max(1000)
  ORDER_STREAMS_PER_ACCOUNT: number = 20;

  /** Tax by customer country in basis points (1900 = 19 %), JSON; countries not listed pay DEFAULT_TAX_RATE_BP. */
  @Matches(/^\{\s*("[A-Z]{2}"\s*:\s*\d{1,4}\s*,?\s*)*\}$/, {
    message: 'TAX_RATES_BP must be a JSON object of country code to basis points, e.g. {"DE":1900}',
  })
  TAX_RATES_BP: string = '{"DE":1900,"FR":2000,"NL":2100,"AT":2000,"US":0,"GB":2000}';

  @IsInt()
  @Min(0)
  @Max(10_000)
  DEFAULT_TAX_RATE_BP: number = 0;

  /** Shared secret of the payment provider's webhook signatures (HMAC-SHA256). */
  @Secret()
  @MinLength(16, { message: 'PAYMENT_WEBHOOK_SECRET must be at least 16 characters' })
  PAYMENT_WEBHOOK_SECRET: string = 'whsec_development_only_change_me';

  @IsInt()
  @Min(1)
  @Max(3_600)
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: number = 300;

  /** How long the order saga waits for payment before it cancels the order. */
  @IsInt()
  @Min(1)
  @Max(2_592_000)
  PAYMENT_WINDOW_SECONDS: number = 86_400;

  /**
   * Declined payments after which the order saga gives the order up before the window closes. A decline leaves the
   * invoice payable: the customer is mailed and may try another card until then.
   */
  @IsInt()
  @Min(1)
  @Max(100)
  PAYMENT_MAX_DECLINES: number = 5;

  /** How long the order saga waits for a VPS before it treats provisioning as failed. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  PROVISIONING_DEADLINE_SECONDS: number = 900;

  /** Days before a service's paid period ends that its renewal invoice is issued (due at the period's end). */
  @IsInt()
  @Min(0)
  @Max(365)
  RENEWAL_LEAD_DAYS: number = 7;

  /** Days after an unpaid renewal invoice's due date on which a payment reminder goes out, e.g. 1,3,5. */
  @Matches(/^(\d{1,3}(,\d{1,3})*)?$/, {
    message: 'DUNNING_REMINDER_DAYS must be a comma-separated list of whole days, e.g. 1,3,5 (or empty)',
  })
  DUNNING_REMINDER_DAYS: string = '1,3,5';

  /** Days after the due date an unpaid service is suspended. */
  @IsInt()
  @Min(0)
  @Max(365)
  SUSPEND_AFTER_DAYS: number = 7;

  /** Days after the due date an unpaid service is terminated and its machine released; more than the above. */
  @IsInt()
  @Min(1)
  @Max(3_650)
  TERMINATE_AFTER_DAYS: number = 30;

  /** system: the machine's clock. test: a clock the test suites move (refused when NODE_ENV=production). */
  @IsIn(['system', 'test'])
  CLOCK_MODE: 'system' | 'test' = 'system';

  /**
   * simulator: creates no machine (development default; refused in production unless ALLOW_SIMULATED_PROVISIONING).
   * libvirt: real machines on the hypervisor nodes of the admin API (libs/provisioning/README.md).
   */
  @IsIn(['simulator', 'libvirt'])
  PROVISIONING_DRIVER: 'simulator' | 'libvirt' = 'simulator';

  /**
   * How long a delivered machine's first-boot seed (its root password's hash, its network) stays on the node: long
   * enough for the guest to boot and read it, then it is deleted.
   */
  @IsInt()
  @Min(5)
  @Max(86_400)
  PROVISIONING_SEED_TTL_SECONDS: number = 600;

  /** Delay of each simulated provisioning step (the simulator is the default driver). */
  @IsInt()
  @Min(0)
  @Max(600_000)
  PROVISIONING_SIMULATOR_STEP_MS: number = 500;

  /**
   * Hypervisor nodes created at boot when missing (development; elsewhere the admin API manages them): a JSON array of
   * bodies of POST /v1/admin/nodes. Each is checked at boot like that request; an existing node is never changed.
   */
  @JsonArrayOfObjects()
  PROVISIONING_NODES: string = '[]';

  /** IP ranges added at boot when missing, a JSON array of bodies of POST /v1/admin/ip-pools; never deleted. */
  @JsonArrayOfObjects()
  PROVISIONING_IP_POOLS: string = '[]';

  /** 32-byte key (base64) sealing VPS credentials at rest (AES-256-GCM). */
  @Secret()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'SECRETS_KEY must be 32 bytes in base64' })
  SECRETS_KEY: string = 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=';

  /**
   * The storefront's address: links in mails open its pages (e.g. `/services/<id>/credentials`), which call the API
   * with the customer's session. A mail never links to an API route: those want a token and a method a link cannot send.
   */
  @Matches(/^https?:\/\/[^\s?#]+$/, {
    message: 'STOREFRONT_URL must be an http(s) URL without query or fragment',
  })
  STOREFRONT_URL: string = 'http://127.0.0.1:3000/portal';

  /**
   * Origins (scheme://host[:port], comma-separated) whose pages may call the API from the browser: the portal's
   * static build hosted on the provider's own domain (npm run build:portal). Empty: no CORS, same origin only.
   */
  @Matches(/^(https?:\/\/[^\s/?#,]+(\s*,\s*https?:\/\/[^\s/?#,]+)*)?$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins such as https://shop.example.com (no path)',
  })
  CORS_ORIGINS: string = '';

  /** Serve the OpenAPI page at /docs and its document at /docs-json (off where the API description is private). */
  @IsBoolean()
  @Transform(toBoolean)
  DOCS_ENABLED: boolean = true;

  /** Outgoing mail server, e.g. smtp://user:pass@mail.example.com:587 or smtps://… (may hold a password). */
  @Secret()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL: string = 'smtp://127.0.0.1:1025';

  /**
   * Development only: the directory where `npm start`'s mail catcher keeps each message it caught (set by
   * scripts/start.sh). The console's Mail tab reads it; production refuses it.
   */
  @IsString()
  DEV_MAIL_DIR: string = '';

  @IsString()
  @MinLength(3)
  MAIL_FROM: string = 'PLATFORMA <no-reply@platforma.invalid>';

  /** Mails one process sends at once, each over its own pooled SMTP connection. */
  @IsInt()
  @Min(1)
  @Max(32)
  MAIL_CONCURRENCY: number = 4;

  /**
   * Production refuses to bind the test payment gateway (tok_success pays any invoice) unless this says so; it is
   * then warned about at every boot. Development and tests always use it.
   */
  @IsBoolean()
  @Transform(toBoolean)
  ALLOW_TEST_PAYMENTS: boolean = false;

  /** The same for the provisioning simulator, which creates no machine at all. */
  @IsBoolean()
  @Transform(toBoolean)
  ALLOW_SIMULATED_PROVISIONING: boolean = false;

  /** Lets customer webhooks use http:// and private or loopback addresses: development and tests only. */
  @IsBoolean()
  @Transform(toBoolean)
  WEBHOOK_ALLOW_INSECURE_URLS: boolean = false;

  /**
   * DNS servers (ip or ip:port, [ipv6]:port, comma-separated) that resolve customer webhook hosts, when egress
   * should not use the system resolver (/etc/hosts, search domains, the cluster's internal zones). Empty: the
   * system resolver.
   */
  @DnsServers()
  WEBHOOK_DNS_SERVERS: string = '';

  @IsInt()
  @Min(1)
  @Max(1_000)
  WEBHOOK_MAX_ENDPOINTS_PER_TENANT: number = 10;

  /** How long a customer's endpoint has to answer one delivery. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** Delay after a failed delivery attempt, doubling with each further failure up to WEBHOOK_MAX_BACKOFF_MS. */
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_INITIAL_BACKOFF_MS: number = 5_000;

  @IsInt()
  @Min(10)
  @Max(86_400_000)
  WEBHOOK_MAX_BACKOFF_MS: number = 3_600_000;

  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_MAX_ATTEMPTS: number = 8;

  /** Deliveries one process sends at once, so one slow endpoint does not hold up every other tenant's. */
  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOK_CONCURRENCY: number = 4;

  get taxRates(): Record<string, number> {
    return JSON.parse(this.TAX_RATES_BP) as Record<string, number>;
  }

  get dunningReminderDays(): number[] {
    return this.DUNNING_REMINDER_DAYS === '' ? [] : this.DUNNING_REMINDER_DAYS.split(',').map(Number);
  }

  /** Express's "trust proxy" setting (validated above). */
  get trustProxy(): number | string[] {
    return parseTrustProxy(this.TRUST_PROXY) ?? 0;
  }

  get corsOrigins(): string[] {
    return this.CORS_ORIGINS === '' ? [] : this.CORS_ORIGINS.split(',').map((s) => s.trim());
  }

  /** Empty: resolve webhook hosts with the system resolver. */
  get webhookDnsServers(): string[] {
    return this.WEBHOOK_DNS_SERVERS === '' ? [] : this.WEBHOOK_DNS_SERVERS.split(',').map((s) => s.trim());
  }

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }

  get kafkaReplicationFactor(): number {
    return this.KAFKA_REPLICATION_FACTOR || (this.kafkaBrokers.length >= 3 ? 3 : 1);
  }

  get kafkaMinInsyncReplicas(): number {
    return this.KAFKA_MIN_INSYNC_REPLICAS || (this.kafkaReplicationFactor >= 3 ? 2 : 1);
  }

  get messaging(): MessagingSettings {
    return {
      brokers: this.kafkaBrokers,
      clientId: this.KAFKA_CLIENT_ID,
      topicPrefix: this.KAFKA_TOPIC_PREFIX,
      partitions: this.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: this.kafkaReplicationFactor,
      minInsyncReplicas: this.kafkaMinInsyncReplicas,
      partitionsConcurrency: this.KAFKA_PARTITIONS_CONCURRENCY,
      sessionTimeoutMs: this.KAFKA_SESSION_TIMEOUT_MS,
      maxRecordBytes: this.KAFKA_MAX_RECORD_BYTES,
      ...this.kafkaSecurity(),
    };
  }

  private kafkaSecurity(): Pick<MessagingSettings, 'sasl' | 'ssl'> {
    const security: Pick<MessagingSettings, 'sasl' | 'ssl'> = {};
    if (this.KAFKA_SSL || this.KAFKA_SSL_CA_FILE !== '') {
      security.ssl = this.KAFKA_SSL_CA_FILE === '' ? {} : { ca: [readCaFile(this.KAFKA_SSL_CA_FILE)] };
    }
    if (this.KAFKA_SASL_MECHANISM !== '') {
      security.sasl = {
        mechanism: this.KAFKA_SASL_MECHANISM,
        username: this.KAFKA_SASL_USERNAME,
        password: this.KAFKA_SASL_PASSWORD,
      };
    }
    return security;
  }
}

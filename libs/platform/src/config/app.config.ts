import { Transform } from 'class-transformer';
import type { MessagingSettings } from '@app/messaging';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const SECRET_KEYS = new Set<string>();
/** Marks a variable whose value must never be printed, not even in a validation error. */
const Secret = (): PropertyDecorator => (_target, key) => void SECRET_KEYS.add(String(key));
export const isSecretVariable = (name: string): boolean => SECRET_KEYS.has(name);

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

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

  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsString()
  @MinLength(1)
  KAFKA_CLIENT_ID: string = 'platforma';

  @Matches(/^[a-zA-Z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX: string = '';

  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_TOPIC_PARTITIONS: number = 6;

  @IsInt()
  @Min(1)
  @Max(3)
  KAFKA_REPLICATION_FACTOR: number = 1;

  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_PARTITIONS_CONCURRENCY: number = 6;

  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }

  get messaging(): MessagingSettings {
    return {
      brokers: this.kafkaBrokers,
      clientId: this.KAFKA_CLIENT_ID,
      topicPrefix: this.KAFKA_TOPIC_PREFIX,
      partitions: this.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: this.KAFKA_REPLICATION_FACTOR,
      partitionsConcurrency: this.KAFKA_PARTITIONS_CONCURRENCY,
      sessionTimeoutMs: this.KAFKA_SESSION_TIMEOUT_MS,
    };
  }
}

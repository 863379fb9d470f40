import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { AppConfig } from '../config/app.config.js';
import { ConfigModule } from '../config/config.module.js';
import { loadConfig } from '../config/load-config.js';
import { HealthModule } from '../health/health.module.js';
import { AuthModule } from '../auth/auth.module.js';

/** What every process has, whatever domains it hosts: config, one DataSource, messaging, health. */
@Module({})
export class PlatformModule {
  static forDomains(modules: Type[], config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(() => ({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          logging: config.DATABASE_LOGGING,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          deferBegin: config.DATABASE_DEFER_BEGIN,
        })),
        MessagingModule.forRoot(() => config.messaging),
        AuthModule,
        HealthModule,
        ...modules,
      ],
    };
  }
}

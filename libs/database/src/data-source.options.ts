import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy.js';
import type pg from 'pg';
import { deferBegin } from './deferred-begin.js';
import { cacheStatements } from './statement-cache.js';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  logging: boolean;
  /** Statements a connection runs again and again are prepared on it (statement-cache.ts); on unless false. */
  preparedStatements?: boolean;
  /** A transaction's BEGIN goes out with its first statement, in one write (deferred-begin.ts); on unless false. */
  deferBegin?: boolean;
  /** Entities are registered by the domain modules (autoLoadEntities) in the apps; the CLI globs them. */
  entities?: DataSourceOptions['entities'];
}

const here = dirname(fileURLToPath(import.meta.url));
/** Compiled migrations: dist/libs/database/src → dist/migrations. */
export const MIGRATIONS_GLOB = join(here, '..', '..', '..', 'migrations', '*.js');

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: false,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    entities: settings.entities ?? [],
    namingStrategy: new SnakeNamingStrategy(),
    logging: settings.logging ? ['error', 'warn', 'migration'] : ['error', 'migration'],
    extra: {
      max: settings.poolSize,
      connectionTimeoutMillis: 5_000,
      // pg-pool's hook for each new connection.
      onConnect: (client: pg.Client) => {
        if (settings.preparedStatements !== false) {
          cacheStatements(client);
        }
        if (settings.deferBegin !== false) {
          deferBegin(client);
        }
      },
    },
    applicationName: 'platforma',
  };
}

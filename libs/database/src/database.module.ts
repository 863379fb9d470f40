import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, type DatabaseSettings } from './data-source.options.js';

export const DATABASE_SETTINGS = Symbol('DATABASE_SETTINGS');

@Module({})
export class DatabaseModule {
  /** One DataSource per process; domain modules register their entities with TypeOrmModule.forFeature. */
  static forRoot(settings: () => DatabaseSettings): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(settings()), autoLoadEntities: true }),
        }),
      ],
    };
  }
}

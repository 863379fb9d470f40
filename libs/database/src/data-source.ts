// The DataSource the TypeORM CLI uses (npm run migration:*). Apps build theirs through DatabaseModule.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';

export default new DataSource(
  dataSourceOptions({
    url,
    poolSize: 2,
    logging: false,
    entities: [new URL('../../*/src/**/*.entity.js', import.meta.url).pathname],
  }),
);

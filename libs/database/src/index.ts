export { DatabaseModule } from './database.module.js';
export { dataSourceOptions, type DatabaseSettings } from './data-source.options.js';
export { EntityRows } from './entity-rows.js';
export { cacheStatements } from './statement-cache.js';
export { commitWithNextStatement, queryAhead, transaction } from './transaction.js';
export { isUniqueViolation, PG_UNIQUE_VIOLATION } from './sql-state.js';
export { NotificationListener } from './notification-listener.js';

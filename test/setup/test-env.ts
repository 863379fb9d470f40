// Every integration suite talks to the test database and a broker on loopback unless told otherwise.
import 'reflect-metadata';

process.env.NODE_ENV ??= 'test';
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/platforma_test';
process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
process.env.LOG_LEVEL ??= 'warn';

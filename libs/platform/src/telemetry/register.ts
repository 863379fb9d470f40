/**
 * Optional preload that lets the library instrumentations patch ESM-loaded CommonJS packages (express, pg):
 *
 *   node --import ./dist/libs/platform/src/telemetry/register.js dist/src/main.js
 *
 * An import at the top of main.ts comes too late for that: Node loads the whole static import graph before it
 * runs any of it. Without the preload the app still traces HTTP requests and every Kafka hop (those spans are the
 * platform's own) and the database (TypeORM require()s pg after the SDK started); the express middleware spans
 * are what is missing.
 */
import { register } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { platformInstrumentations } from './instrumentations.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
registerInstrumentations({ instrumentations: platformInstrumentations() });

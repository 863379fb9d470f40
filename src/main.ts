import 'reflect-metadata';
import { bootstrap } from '@app/platform';
import { MONOLITH } from './app.module.js';

await bootstrap(MONOLITH);

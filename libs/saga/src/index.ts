import { SAGA } from './saga.domain.js';
import { SagaModule } from './saga.module.js';

export { SAGA, SagaModule };
export const sagaDomain = { domain: SAGA, module: SagaModule };

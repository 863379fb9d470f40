import { SAGA } from './saga.domain.js';
import { SagaModule } from './saga.module.js';

export { SAGA, SagaModule };
export const sagaDomain = { domain: SAGA, module: SagaModule };
/** The saga as pure functions, for models that check it against billing's and orders' rules (test/saga). */
export * as orderSaga from './order-saga.definition.js';

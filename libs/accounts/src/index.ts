import { ACCOUNTS } from './accounts.domain.js';
import { AccountsModule } from './accounts.module.js';

export { ACCOUNTS, AccountsModule };
export const accountsDomain = { domain: ACCOUNTS, module: AccountsModule };

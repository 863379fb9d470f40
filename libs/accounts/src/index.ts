import { ACCOUNTS } from './accounts.domain.js';
import { AccountsModule } from './accounts.module.js';

export { ACCOUNTS, AccountsModule };
export type {
  AdminAccountKind,
  AdminAccountPage,
  AdminAccountsQuery,
  AdminAccountStatus,
  AdminAccountSuspensionView,
  AdminAccountView,
  AdminSuspendAccountRequest,
  AdminSuspensionReason,
  AdminUnsuspendAccountRequest,
} from './admin/accounts-admin.view.js';
export const accountsDomain = { domain: ACCOUNTS, module: AccountsModule };

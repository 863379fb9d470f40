// Compile-time only (tsc --noEmit in npm run check): the console's import-free views in libs/audit mirror what other
// modules' admin APIs return. The audit module may not import them, so this file holds the two side by side: if a
// module's answer changes so that the console would read it wrongly, the check fails here.
import type { SagaOperatorAction, SagaStatus } from '@app/contracts';
import type { AccountsAdminController } from '../../libs/accounts/src/admin/accounts-admin.controller.js';
import type { ConsumerGroupsView } from '../../libs/audit/src/admin-api.view.js';
import type {
  BackOfficeAccount,
  BackOfficeAccountStatus,
  BackOfficeInvoice,
  BackOfficeInvoiceStatus,
  BackOfficeOrder,
  BackOfficeOrderStatus,
  BackOfficePage,
  BackOfficePaymentStatus,
  BackOfficeRequestAccepted,
  BackOfficeService,
  BackOfficeServiceAction,
  BackOfficeServiceActionAccepted,
  BackOfficeServiceStatus,
  BackOfficeSuspensionReason,
} from '../../libs/audit/src/back-office.view.js';
import type { ConsumerGroupsService } from '../../libs/audit/src/consumer-groups.service.js';
import type {
  SagaActionAppliedView,
  SagaActionView,
  SagaDetailView,
  SagaHistoryKindView,
  SagaPageView,
  SagaStatusView,
} from '../../libs/audit/src/saga-console.view.js';
import type { BillingAdminController } from '../../libs/billing/src/admin/billing-admin.controller.js';
import type {
  AdminInvoiceStatus,
  AdminPaymentStatus,
} from '../../libs/billing/src/admin/billing-admin.view.js';
import type { SubscriptionsAdminController } from '../../libs/billing/src/subscriptions/subscriptions-admin.controller.js';
import type {
  AdminAccountStatus,
  AdminSuspensionReason,
} from '../../libs/accounts/src/admin/accounts-admin.view.js';
import type { OrdersAdminController } from '../../libs/orders/src/admin/orders-admin.controller.js';
import type { AdminOrderStatus } from '../../libs/orders/src/admin/orders-admin.view.js';
import type { ServicesAdminController } from '../../libs/provisioning/src/admin/services-admin.controller.js';
import type { AdminServiceStatus } from '../../libs/provisioning/src/admin/services-admin.view.js';
import type { SagaActionResult } from '../../libs/saga/src/order-saga.service.js';
import type { SagaConsoleService } from '../../libs/saga/src/saga-console.service.js';
import type { HistoryKind } from '../../libs/saga/src/saga-console.view.js';

/** U, which must be assignable to T: what the server returns (U) reads as the console's view (T). */
export type Assignable<T, U extends T> = U;

export type SagaConsoleChecks = [
  Assignable<SagaPageView, Awaited<ReturnType<SagaConsoleService['list']>>>,
  Assignable<SagaDetailView, Awaited<ReturnType<SagaConsoleService['get']>>>,
  Assignable<SagaActionAppliedView, SagaActionResult>,
  // The same unions both ways: the console's filters and switches cover exactly the server's values.
  Assignable<SagaStatusView, SagaStatus>,
  Assignable<SagaStatus, SagaStatusView>,
  Assignable<SagaActionView, SagaOperatorAction>,
  Assignable<SagaOperatorAction, SagaActionView>,
  Assignable<SagaHistoryKindView, HistoryKind>,
  Assignable<HistoryKind, SagaHistoryKindView>,
];

/** The Consumers tab's list and a group's page read the same view. */
export type ConsumerGroupChecks = [
  Assignable<ConsumerGroupsView, Awaited<ReturnType<ConsumerGroupsService['list']>>>,
  Assignable<ConsumerGroupsView['groups'][number], Awaited<ReturnType<ConsumerGroupsService['get']>>>,
];

/** What a controller's handler answers (the 2xx body); not never, which would pass every check. */
type Answer<C, K extends keyof C> = C[K] extends (...args: never[]) => Promise<infer R>
  ? R
  : 'not an async handler';

/** The Back office tab: every list and every action's answer, and the statuses its filters offer, both ways. */
export type BackOfficeChecks = [
  Assignable<BackOfficePage<BackOfficeAccount>, Answer<AccountsAdminController, 'list'>>,
  Assignable<BackOfficeAccount, Answer<AccountsAdminController, 'suspend'>>,
  Assignable<BackOfficeAccount, Answer<AccountsAdminController, 'unsuspend'>>,
  Assignable<BackOfficePage<BackOfficeOrder>, Answer<OrdersAdminController, 'list'>>,
  Assignable<BackOfficePage<BackOfficeInvoice>, Answer<BillingAdminController, 'list'>>,
  Assignable<BackOfficeInvoice, Answer<BillingAdminController, 'get'>>,
  Assignable<BackOfficeRequestAccepted, Answer<BillingAdminController, 'void'>>,
  Assignable<BackOfficeRequestAccepted, Answer<BillingAdminController, 'refund'>>,
  Assignable<BackOfficePage<BackOfficeService>, Answer<ServicesAdminController, 'list'>>,
  Assignable<BackOfficeServiceActionAccepted, Answer<SubscriptionsAdminController, 'suspend'>>,
  Assignable<BackOfficeServiceActionAccepted, Answer<SubscriptionsAdminController, 'unsuspend'>>,
  Assignable<BackOfficeServiceActionAccepted, Answer<SubscriptionsAdminController, 'terminate'>>,
  Assignable<BackOfficeServiceAction, Answer<SubscriptionsAdminController, 'terminate'>['action']>,
  Assignable<BackOfficeAccountStatus, AdminAccountStatus>,
  Assignable<AdminAccountStatus, BackOfficeAccountStatus>,
  Assignable<BackOfficeSuspensionReason, AdminSuspensionReason>,
  Assignable<AdminSuspensionReason, BackOfficeSuspensionReason>,
  Assignable<BackOfficeOrderStatus, AdminOrderStatus>,
  Assignable<AdminOrderStatus, BackOfficeOrderStatus>,
  Assignable<BackOfficeInvoiceStatus, AdminInvoiceStatus>,
  Assignable<AdminInvoiceStatus, BackOfficeInvoiceStatus>,
  Assignable<BackOfficePaymentStatus, AdminPaymentStatus>,
  Assignable<AdminPaymentStatus, BackOfficePaymentStatus>,
  Assignable<BackOfficeServiceStatus, AdminServiceStatus>,
  Assignable<AdminServiceStatus, BackOfficeServiceStatus>,
];

// The check bites: a union the console does not know is refused.
// @ts-expect-error a saga's history kind is not a saga status
export type ChecksBite = Assignable<SagaStatusView, HistoryKind>;

// The examples tell one story (one order travelling through the saga), so the ids are shared across events.
export const EXAMPLE = {
  accountId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01',
  planId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e02',
  replacementPlanId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e03',
  orderId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e04',
  sagaId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e05',
  invoiceId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e06',
  paymentId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e07',
  refundId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e08',
  serviceId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e09',
  credentialsSecretId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0a',
  notificationId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0b',
  replayId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0c',
  /** The operators' own tenant: an admin acting from the console belongs to it. */
  operatorTenantId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e0d',
} as const;

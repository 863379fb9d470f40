export const SOURCE_MODULES = [
  'accounts',
  'catalog',
  'orders',
  'provisioning',
  'billing',
  'notifications',
  'audit',
  'saga',
] as const;

export type SourceModule = (typeof SOURCE_MODULES)[number];

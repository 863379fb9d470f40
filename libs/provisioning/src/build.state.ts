/** The build as data: its steps in order and how far along each one puts the progress bar. */
export const BUILD_STEPS = [
  'allocating',
  'creating_disk',
  'installing_image',
  'configuring_network',
  'booting',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

/** suspended: stopped and locked by billing for non-payment, data and addresses kept. */
export const SERVICE_STATES = ['provisioning', 'active', 'suspended', 'failed', 'released'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

// Percent reached when a step starts; 100 is provisioning.completed itself. Weighted like a real build, where
// writing the image takes longest.
const PERCENT: Record<BuildStep, number> = {
  allocating: 5,
  creating_disk: 20,
  installing_image: 40,
  configuring_network: 70,
  booting: 85,
};

export const FIRST_STEP: BuildStep = BUILD_STEPS[0];

export function percentAt(step: BuildStep): number {
  return PERCENT[step];
}

/** The step after this one, or undefined after the last. */
export function nextStep(step: BuildStep): BuildStep | undefined {
  return BUILD_STEPS[BUILD_STEPS.indexOf(step) + 1];
}

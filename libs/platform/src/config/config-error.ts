/** Thrown at boot when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    details: string[],
  ) {
    super(`Invalid environment: ${details.join('; ')}`);
    this.name = 'ConfigError';
  }
}

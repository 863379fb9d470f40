/** PostgreSQL returns bigint as a string; amounts in minor units stay far below 2^53. */
export const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

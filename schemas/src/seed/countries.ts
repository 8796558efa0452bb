import type { CountryCode } from '../events/common.js';

export interface Country {
  code: CountryCode;
  name: string;
  /** Share of payments the simulated processor declines (from the reference webstore). */
  declineRate: number;
  /** Kept in full by tail sampling. */
  highRisk: boolean;
}

/** Countries the store sells to, with their payment decline rates. */
export const countries: readonly Country[] = [
  { code: 'US', name: 'United States', declineRate: 0.05, highRisk: false },
  { code: 'UK', name: 'United Kingdom', declineRate: 0.07, highRisk: false },
  { code: 'DE', name: 'Germany', declineRate: 0.06, highRisk: false },
  { code: 'FR', name: 'France', declineRate: 0.08, highRisk: false },
  { code: 'JP', name: 'Japan', declineRate: 0.1, highRisk: false },
  { code: 'BR', name: 'Brazil', declineRate: 0.15, highRisk: true },
  { code: 'IN', name: 'India', declineRate: 0.12, highRisk: true },
];

/** Looks a country up by code. */
export function countryByCode(code: string): Country | undefined {
  return countries.find((c) => c.code === code);
}

import type { CountryCode } from '../events/common.js';

export interface Persona {
  /** Bearer token the demo accepts for this persona. */
  token: string;
  customerId: string;
  name: string;
  role: 'customer' | 'admin';
  defaultCountry: CountryCode;
  description: string;
  /** Order history before the system started, so every customer segment is visible from day one. */
  history: { orders: number; spentCents: number; lastOrderDaysAgo: number } | null;
}

/**
 * The demo personas: the reference's three tokens, and a customer who has not ordered for two
 * months (the admin persona does not shop, so the at-risk segment needs a customer of its own).
 * Tokens are demo values, not secrets.
 */
export const personas: readonly Persona[] = [
  {
    token: 'user-token-123',
    customerId: 'cust-ana',
    name: 'Ana Lima',
    role: 'customer',
    defaultCountry: 'US',
    description: 'A regular shopper.',
    history: { orders: 2, spentCents: 18_800, lastOrderDaysAgo: 3 },
  },
  {
    token: 'admin-token-456',
    customerId: 'cust-sam',
    name: 'Sam Okafor',
    role: 'admin',
    defaultCountry: 'UK',
    description: 'Store operator; may use the admin routes. Has not ordered for 45 days: at risk.',
    history: { orders: 1, spentCents: 4_500, lastOrderDaysAgo: 45 },
  },
  {
    token: 'test-token-789',
    customerId: 'cust-taylor',
    name: 'Taylor Test',
    role: 'customer',
    defaultCountry: 'DE',
    description: 'The persona automated tests and the traffic generator use. Never ordered: new.',
    history: null,
  },
  {
    token: 'user-token-321',
    customerId: 'cust-lee',
    name: 'Lee Park',
    role: 'customer',
    defaultCountry: 'BR',
    description: 'Ordered three times, the last two months ago: at risk until the next order.',
    history: { orders: 3, spentCents: 21_600, lastOrderDaysAgo: 60 },
  },
];

/** The persona for a bearer token, or undefined. */
export function personaByToken(token: string): Persona | undefined {
  return personas.find((p) => p.token === token);
}

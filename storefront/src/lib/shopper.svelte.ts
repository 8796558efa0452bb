// The demo personas (from the gateway, in demo mode) and the countries the store ships to, shared
// by the header (who is shopping, from where) and the checkout form.
import { api, type Persona } from './api.js';
import { session } from './session.svelte.js';

export const COUNTRIES: [code: string, name: string][] = [
  ['US', 'United States'],
  ['UK', 'United Kingdom'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['JP', 'Japan'],
  ['BR', 'Brazil'],
  ['IN', 'India'],
];

export const shopper = $state({
  personas: [] as Persona[],
  /** False when the gateway hands out no demo tokens: the shopper types theirs. */
  demo: true,
  error: '',
});

let loading: Promise<void> | undefined;
/** Loads the personas once. */
export function loadPersonas(): Promise<void> {
  return (loading ??= api
    .personas()
    .then((r) => void (shopper.personas = r.personas))
    .catch((e: { status?: number; message: string }) => {
      if (e.status === 404) shopper.demo = false;
      else shopper.error = e.message;
    }));
}

export const personaName = () =>
  shopper.personas.find((p) => p.token === session.token)?.name ?? 'Signed-in shopper';
export const countryName = () =>
  COUNTRIES.find(([code]) => code === session.country)?.[1] ?? session.country;

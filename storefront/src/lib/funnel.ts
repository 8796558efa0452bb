// Funnel activity (browse → view → add to cart → checkout started), each sent inside its own
// browser span: the gateway's publish and analytics' consumption join that span's trace, and
// every span carries the session id, so one shopper's session can be followed.
import { api } from './api.js';
import { session } from './session.svelte.js';
import { traced } from './telemetry.js';

export type Stage = 'browse_catalog' | 'view_product' | 'add_to_cart' | 'checkout_started';

/** Records a funnel stage; never fails (activity is best-effort). */
export function track(type: Stage, details: Record<string, string | number> = {}): void {
  const attributes = Object.fromEntries(
    Object.entries(details).map(([k, v]) => [`webstore.${k}`, v]),
  );
  void traced(`funnel ${type}`, { 'webstore.funnel.stage': type, ...attributes }, () =>
    api.activity(session.token, {
      type,
      sessionId: session.id,
      country: session.country,
      ...details,
    }),
  );
}

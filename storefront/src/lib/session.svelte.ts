// Who is shopping (a demo persona), from which country, and the funnel session id.
const stored = (key: string, fallback: string) =>
  typeof localStorage === 'undefined' ? fallback : (localStorage.getItem(key) ?? fallback);

function sessionId(): string {
  if (typeof sessionStorage === 'undefined') return 'ssr';
  let id = sessionStorage.getItem('webstore.session');
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    sessionStorage.setItem('webstore.session', id);
  }
  return id;
}

export const session = $state({
  token: stored('webstore.token', 'user-token-123'),
  country: stored('webstore.country', 'US'),
  id: sessionId(),
});

export function remember(): void {
  localStorage.setItem('webstore.token', session.token);
  localStorage.setItem('webstore.country', session.country);
}

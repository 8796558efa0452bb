// Client-side routing on real URLs (the console falls back to index.html for any non-API path).
// Same-origin link clicks are taken over so pages switch without a reload.

class Location {
  path = $state(location.pathname);
  search = $state(location.search);
  /** The query string as an object (last value wins). */
  params = $derived(Object.fromEntries(new URLSearchParams(this.search)));
}

export const here = new Location();

function sync() {
  here.path = location.pathname;
  here.search = location.search;
}

/** Go to a URL of the app; `replace` keeps the history entry (filters typed in place). */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  sync();
  if (!options.replace) window.scrollTo(0, 0);
}

addEventListener('popstate', sync);
addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
    return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (a.pathname.startsWith('/api/')) return;
  e.preventDefault();
  navigate(a.pathname + a.search + a.hash);
});

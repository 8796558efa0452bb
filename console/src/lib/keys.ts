// Keyboard use of lists: rows are focusable, Enter opens, arrow keys move between rows.

/** onkeydown for a focusable row: Enter runs `open`, ↑/↓ focus the previous/next row. */
export function rowKeys(e: KeyboardEvent, open: () => void): void {
  const row = e.currentTarget as HTMLElement;
  if (e.key === 'Enter') {
    e.preventDefault();
    open();
  } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const rows = [...(row.parentElement?.querySelectorAll<HTMLElement>('[data-row]') ?? [])];
    const next = rows[rows.indexOf(row) + (e.key === 'ArrowDown' ? 1 : -1)];
    next?.focus();
  }
}

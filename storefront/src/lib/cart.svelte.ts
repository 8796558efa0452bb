// The cart, kept in localStorage so it survives reloads. Shared state as a runes module.
export interface CartLine {
  productId: string;
  name: string;
  priceCents: number;
  quantity: number;
}

const KEY = 'webstore.cart';

export function createCart(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage) {
  let lines = $state<CartLine[]>(load());

  function load(): CartLine[] {
    try {
      const parsed = JSON.parse(storage.getItem(KEY) ?? '[]') as CartLine[];
      return Array.isArray(parsed)
        ? parsed.filter((l) => l && typeof l.productId === 'string' && l.quantity > 0)
        : [];
    } catch {
      return [];
    }
  }
  const save = () => storage.setItem(KEY, JSON.stringify(lines));

  return {
    get lines() {
      return lines;
    },
    get count() {
      return lines.reduce((n, l) => n + l.quantity, 0);
    },
    get totalCents() {
      return lines.reduce((n, l) => n + l.quantity * l.priceCents, 0);
    },
    add(product: { id: string; name: string; priceCents: number }, quantity = 1) {
      const line = lines.find((l) => l.productId === product.id);
      if (line) line.quantity = Math.min(100, line.quantity + quantity);
      else
        lines.push({
          productId: product.id,
          name: product.name,
          priceCents: product.priceCents,
          quantity,
        });
      save();
    },
    setQuantity(productId: string, quantity: number) {
      if (quantity <= 0) lines = lines.filter((l) => l.productId !== productId);
      else
        for (const l of lines) if (l.productId === productId) l.quantity = Math.min(100, quantity);
      save();
    },
    clear() {
      lines = [];
      save();
    },
  };
}

export type Cart = ReturnType<typeof createCart>;
export const cart = createCart(
  typeof localStorage === 'undefined'
    ? { getItem: () => null, setItem: () => undefined }
    : localStorage,
);

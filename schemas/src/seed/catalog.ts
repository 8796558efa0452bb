export interface Product {
  id: string;
  name: string;
  category: Category;
  description: string;
  priceCents: number;
  /** Stock on hand when the system starts with no history. */
  initialStock: number;
}

export const CATEGORIES = ['audio', 'computing', 'home', 'outdoor', 'books'] as const;
export type Category = (typeof CATEGORIES)[number];

const p = (
  id: string,
  name: string,
  category: Category,
  priceCents: number,
  initialStock: number,
  description: string,
): Product => ({ id, name, category, priceCents, initialStock, description });

/** The store's catalog. Prices in cents. Two items start scarce so stock-outs are easy to see. */
export const products: readonly Product[] = [
  p(
    'sku-headphones',
    'Studio Headphones',
    'audio',
    19900,
    120,
    'Closed-back headphones with a flat response.',
  ),
  p('sku-earbuds', 'Wireless Earbuds', 'audio', 12900, 200, 'Small, light, with a charging case.'),
  p('sku-speaker', 'Bookshelf Speakers', 'audio', 34900, 60, 'A pair of passive two-way speakers.'),
  p('sku-turntable', 'Turntable', 'audio', 27900, 25, 'Belt-drive, with a built-in preamp.'),
  p(
    'sku-laptop',
    'Ultralight Laptop',
    'computing',
    129900,
    40,
    '13-inch, 16 GB memory, all-day battery.',
  ),
  p(
    'sku-monitor',
    '27" 4K Monitor',
    'computing',
    44900,
    50,
    'IPS panel with USB-C power delivery.',
  ),
  p(
    'sku-keyboard',
    'Mechanical Keyboard',
    'computing',
    11900,
    150,
    'Tenkeyless, hot-swappable switches.',
  ),
  p('sku-mouse', 'Ergonomic Mouse', 'computing', 6900, 180, 'Vertical grip, quiet buttons.'),
  p(
    'sku-dock',
    'USB-C Dock',
    'computing',
    15900,
    5,
    'Two displays, Ethernet and power through one cable.',
  ),
  p('sku-kettle', 'Gooseneck Kettle', 'home', 8900, 90, 'Temperature control to the degree.'),
  p('sku-grinder', 'Burr Coffee Grinder', 'home', 16900, 70, 'Forty grind settings.'),
  p('sku-lamp', 'Desk Lamp', 'home', 5900, 130, 'Dimmable, warm to cool white.'),
  p('sku-chair', 'Task Chair', 'home', 38900, 30, 'Adjustable lumbar support.'),
  p('sku-tent', 'Two-Person Tent', 'outdoor', 24900, 35, 'Freestanding, 1.8 kg.'),
  p('sku-backpack', 'Daypack 28L', 'outdoor', 9900, 110, 'Water-resistant with a laptop sleeve.'),
  p('sku-bottle', 'Insulated Bottle', 'outdoor', 3500, 250, 'Keeps drinks cold for a day.'),
  p('sku-stove', 'Camp Stove', 'outdoor', 7900, 3, 'Folding canister stove.'),
  p(
    'sku-book-ddia',
    'Designing Data-Intensive Applications',
    'books',
    4500,
    80,
    'The book on data systems.',
  ),
  p(
    'sku-book-sre',
    'Site Reliability Engineering',
    'books',
    3900,
    80,
    'How Google runs production systems.',
  ),
  p(
    'sku-book-kafka',
    'Kafka: The Definitive Guide',
    'books',
    4900,
    80,
    'Real-time data and stream processing at scale.',
  ),
];

/** Looks a product up by id. */
export function productById(id: string): Product | undefined {
  return products.find((product) => product.id === id);
}

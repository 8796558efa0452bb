import type { z } from 'zod';
import { CartItemAdded, CatalogBrowsed, CheckoutStarted, ProductViewed } from './activity.js';
import { StockRejected, StockReleased, StockReplenished, StockReserved } from './inventory.js';
import { OrderPlaced, OrderTimedOut } from './orders.js';
import { PaymentAuthorized, PaymentDeclined } from './payments.js';
import { TOPICS, type TopicName } from '../topics.js';

interface EventSpec<S extends z.ZodType> {
  /** CloudEvents `type`, versioned so the contract can evolve beside the old one. */
  readonly type: string;
  readonly topic: TopicName;
  readonly schema: S;
}

function spec<S extends z.ZodType>(type: string, topic: TopicName, schema: S): EventSpec<S> {
  return { type, topic, schema };
}

/** Every event of the system by name, with its CloudEvents type, topic and schema. */
export const eventCatalog = {
  OrderPlaced: spec('com.webstore.order.placed.v1', TOPICS.orders, OrderPlaced),
  OrderTimedOut: spec('com.webstore.order.timed_out.v1', TOPICS.orders, OrderTimedOut),
  StockReserved: spec('com.webstore.stock.reserved.v1', TOPICS.inventory, StockReserved),
  StockRejected: spec('com.webstore.stock.rejected.v1', TOPICS.inventory, StockRejected),
  StockReleased: spec('com.webstore.stock.released.v1', TOPICS.inventory, StockReleased),
  StockReplenished: spec('com.webstore.stock.replenished.v1', TOPICS.inventory, StockReplenished),
  PaymentAuthorized: spec('com.webstore.payment.authorized.v1', TOPICS.payments, PaymentAuthorized),
  PaymentDeclined: spec('com.webstore.payment.declined.v1', TOPICS.payments, PaymentDeclined),
  CatalogBrowsed: spec('com.webstore.catalog.browsed.v1', TOPICS.activity, CatalogBrowsed),
  ProductViewed: spec('com.webstore.product.viewed.v1', TOPICS.activity, ProductViewed),
  CartItemAdded: spec('com.webstore.cart.item_added.v1', TOPICS.activity, CartItemAdded),
  CheckoutStarted: spec('com.webstore.checkout.started.v1', TOPICS.activity, CheckoutStarted),
} as const;

export type EventCatalog = typeof eventCatalog;
export type EventName = keyof EventCatalog;
/** The validated payload of an event, by name. */
export type EventData<N extends EventName> = z.output<EventCatalog[N]['schema']>;
/** What a producer may pass (defaults such as `synthetic` may be left out). */
export type EventInput<N extends EventName> = z.input<EventCatalog[N]['schema']>;

export const EVENT_NAMES = Object.keys(eventCatalog) as EventName[];

const byType = new Map<string, EventName>(
  EVENT_NAMES.map((name) => [eventCatalog[name].type, name]),
);

/** The event name for a CloudEvents type, or undefined for a type this system does not know. */
export function eventNameOf(type: string): EventName | undefined {
  return byType.get(type);
}

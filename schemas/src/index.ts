// The package's public surface, listed explicitly so each export is a deliberate contract.
export { EventDecodeError, type EventDecodeErrorCode } from './errors.js';
export {
  TOPICS,
  SAGA_PARTITIONS,
  topicCatalog,
  dlqTopic,
  allTopics,
  type TopicName,
  type TopicSpec,
} from './topics.js';
export {
  eventCatalog,
  eventNameOf,
  EVENT_NAMES,
  type EventCatalog,
  type EventData,
  type EventInput,
  type EventName,
} from './events/catalog.js';
export { COUNTRY_CODES, CountryCode, OrderLine, StockLevel, StockLine } from './events/common.js';
export { OrderPlaced, OrderTimedOut } from './events/orders.js';
export {
  StockRejected,
  StockReleased,
  StockReplenished,
  StockReserved,
} from './events/inventory.js';
export {
  DECLINE_REASONS,
  PAYMENT_DECLINE_REASONS,
  DeclineReason,
  PaymentAuthorized,
  PaymentDeclined,
} from './events/payments.js';
export {
  CartItemAdded,
  CatalogBrowsed,
  CheckoutStarted,
  ProductViewed,
} from './events/activity.js';
export {
  CONTENT_TYPE,
  SPEC_VERSION,
  decodeEvent,
  encodeEvent,
  headerString,
  type DecodedEvent,
  type EncodeOptions,
  type EncodedMessage,
  type HeaderValue,
  type MessageHeaders,
} from './envelope.js';
export { countries, countryByCode, type Country } from './seed/countries.js';
export { personas, personaByToken, type Persona } from './seed/personas.js';
export {
  SEGMENTS,
  seedHistory,
  segmentOf,
  withPurchase,
  type CustomerHistory,
  type Purchase,
  type Segment,
} from './segments.js';
export { CATEGORIES, products, productById, type Category, type Product } from './seed/catalog.js';

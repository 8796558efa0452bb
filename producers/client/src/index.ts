export {
  CAUSATION_HEADER,
  REPLAY_HEADER,
  createPublisher,
  derivedEventId,
  type KafkaAvailability,
  type Published,
  type Publisher,
  type PublisherOptions,
  type PublishOptions,
} from './publisher.js';
export {
  isKafkaUnavailable,
  KafkaUnavailableError,
  PublishError,
  PublishTimeoutError,
  type Written,
} from './errors.js';
export { kafkajsLogCreator, type StructuredLogger } from './kafka-log.js';

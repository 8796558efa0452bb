export {
  CAUSATION_HEADER,
  REPLAY_HEADER,
  createPublisher,
  derivedEventId,
  type Published,
  type Publisher,
  type PublishOptions,
} from './publisher.js';

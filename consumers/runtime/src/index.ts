export {
  createConsumerService,
  InjectedFaultError,
  type ConsumerService,
  type ConsumerServiceOptions,
  type Handler,
  type HandlerContext,
  type Handlers,
} from './consumer-service.js';
export {
  createManagementServer,
  type ConsumerSwitch,
  type Faults,
  type ManagementServerOptions,
} from './management-server.js';
export { openStore, type StateStore, type Table } from './store.js';
export {
  RetriableError,
  backoffMs,
  classifyFailure,
  isRetriable,
  type FailureKind,
} from './errors.js';
export {
  ConsumerStoppingError,
  createDelivery,
  type Delivery,
  type MessageScope,
} from './delivery.js';
export type { MembershipState, MembershipStatus } from './membership.js';
export { ConfigError, integerFrom, loadServiceConfig, type ServiceConfig } from './config.js';
export { runService, type ServiceDefinition } from './run-service.js';

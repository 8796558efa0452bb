export { createBroker, createRegistry, type Broker, type BrokerOptions } from './broker.js';

export { runTraffic, type TrafficOptions } from './runner.js';
export { planShopper, decliningSeeds, type ShopperPlan, type Step } from './shopper.js';
export { scenarios, onlyCountry, type Scenario, type ShopperKind } from './scenarios.js';
export { parseOptions, UsageError, USAGE, type CliOptions } from './options.js';
export { STAGES, type Summary } from './stats.js';

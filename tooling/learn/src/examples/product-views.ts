// Exercise 6's code: the counter the guide adds to the gateway's POST /api/activity route, run on
// its own. Start it with the preload (`node --import @webstore/observability/register …`): the
// preload's SDK exports it over OTLP and flushes it when the process ends.
import { metrics } from '@opentelemetry/api';

const views = metrics
  .getMeter('gateway')
  .createCounter('webstore_product_views', { description: 'Product pages viewed, by product.' });

const count = Number(process.argv[2] ?? 1);
const run = process.env.LEARN_RUN ?? 'manual';
for (let i = 0; i < count; i++) views.add(1, { product_id: 'sku-lamp', run });
console.log(`counted ${count} views of sku-lamp (run ${run})`);

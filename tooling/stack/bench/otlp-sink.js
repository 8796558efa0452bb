// An OTLP receiver in its own process, so decoding telemetry does not slow the load generator.
import { startOtlpReceiver } from '@webstore/testkit';

const receiver = await startOtlpReceiver();
process.send({ endpoint: receiver.grpcEndpoint });
process.on('message', async (message) => {
  if (message === 'count')
    process.send({ spans: receiver.spans().length, logs: receiver.logRecords().length });
  if (message === 'close') {
    await receiver.close();
    process.exit(0);
  }
});

// Exercise 5: trigger an alert. Payment is frozen (SIGSTOP: a hung process, which `npm start`'s
// supervisor does not restart, as it would a dead one); its heartbeat stops, Prometheus evaluates
// our ServiceDown rule, and the console shows it firing. Then payment is resumed.
import { pidListeningOn, portOf } from '../freeze.js';
import { consoleApi, getJson, isOk } from '../http.js';
import { waitUntil, type Exercise } from '../runner.js';

const INSTALL =
  'start the stack with `npm start -- --with-prometheus` (Prometheus from `sudo apt-get install prometheus`)';

export const triggerAlert: Exercise = {
  id: 5,
  title: 'Trigger an alert: payment stops, ServiceDown fires',
  guide: 'docs/learn/08-alerting-and-slos.md#exercise-5-trigger-an-alert',
  needsPrometheus: true,
  steps: (targets) => {
    const api = consoleApi(targets.console);
    let pid = 0;
    const serviceDown = async () =>
      (await api.alerts()).find((a) => a.name === 'ServiceDown' && a.labels.service === 'payment');
    return [
      {
        title: 'Prometheus runs and scrapes payment',
        command: "curl -s 'localhost:9090/api/v1/query?query=up'",
        async run() {
          if (!(await isOk(`${targets.prometheus}/-/ready`)))
            throw new Error(`no Prometheus at ${targets.prometheus}: ${INSTALL}`);
          const up = await waitUntil(async () => {
            const r = await getJson<{
              data: { result: { metric: Record<string, string>; value: [number, string] }[] };
            }>(
              `${targets.prometheus}/api/v1/query?query=${encodeURIComponent('up{job="payment"} == 1')}`,
            );
            return r.data.result.length > 0 ? r.data.result : undefined;
          }, 'up{job="payment"} == 1');
          return `payment scraped at ${up[0]!.metric.instance}`;
        },
      },
      {
        title:
          'The console shows the alerts Prometheus evaluates; ServiceDown is not firing for payment',
        command: 'curl -s localhost:3002/api/alerts',
        async run() {
          const alerts = await api.alerts();
          const down = alerts.find(
            (a) => a.name === 'ServiceDown' && a.labels.service === 'payment',
          );
          if (down) throw new Error(`ServiceDown is already ${down.state} for payment`);
          return `${alerts.length} alerts pending or firing: ${alerts.map((a) => `${a.name} (${a.state})`).join(', ') || 'none'}`;
        },
      },
      {
        title: 'Stop payment: freeze the process listening on its port',
        command: 'kill -STOP $(lsof -ti tcp:8102 -sTCP:LISTEN)',
        async run(ctx) {
          pid = pidListeningOn(portOf(targets.payment));
          process.kill(pid, 'SIGSTOP');
          ctx.cleanup(async () => {
            process.kill(pid, 'SIGCONT');
            await waitUntil(
              async () => ((await isOk(`${targets.payment}/readyz`)) ? true : undefined),
              'payment ready again after SIGCONT',
              90_000,
            );
          }, `payment (pid ${pid}) resumed with SIGCONT and ready again`);
          return `payment is pid ${pid}, stopped`;
        },
      },
      {
        title:
          'Wait about two minutes: ServiceDown goes pending after 60 s of silence, firing 1 min later',
        command: 'curl -s localhost:3002/api/alerts',
        async run(ctx) {
          const pending = await waitUntil(
            serviceDown,
            'ServiceDown for payment, pending or firing',
            150_000,
            1000,
          );
          ctx.note(`ServiceDown ${pending.state} for payment`);
          const firing = await waitUntil(
            async () => {
              const a = await serviceDown();
              return a?.state === 'firing' ? a : undefined;
            },
            'ServiceDown for payment firing',
            150_000,
            1000,
          );
          return `ServiceDown firing: ${JSON.stringify(firing.labels)}`;
        },
      },
      {
        title: 'Resume payment: it rejoins its group and the alert resolves',
        command: 'kill -CONT $(lsof -ti tcp:8102 -sTCP:LISTEN)',
        async run() {
          process.kill(pid, 'SIGCONT');
          await waitUntil(
            async () => ((await isOk(`${targets.payment}/readyz`)) ? true : undefined),
            'payment /readyz 200 again',
            90_000,
          );
          return 'payment ready again; ServiceDown resolves once its heartbeat is scraped';
        },
      },
    ];
  },
};

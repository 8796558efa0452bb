import type { Exercise } from '../runner.js';
import { triggerAlert } from './alert.js';
import { consumerLag } from './consumer-lag.js';
import { deadLetters } from './dead-letters.js';
import { failedPayment } from './failed-payment.js';
import { customerSegments, funnelConversion } from './funnel.js';
import { modifyInstrumentation } from './instrumentation.js';
import { generateAndObserve } from './observe.js';
import { replayWindow } from './replay-window.js';
import { traceShapes } from './trace-shapes.js';

/** Every exercise the runner can check, by number. */
export const EXERCISES: Exercise[] = [
  generateAndObserve,
  failedPayment,
  funnelConversion,
  customerSegments,
  triggerAlert,
  modifyInstrumentation,
  consumerLag,
  deadLetters,
  replayWindow,
  traceShapes,
];

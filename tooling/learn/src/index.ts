export { EXERCISES } from './exercises/index.js';
export { runExercise, waitUntil, type Exercise, type ExerciseResult, type Step } from './runner.js';
export { targetsFromEnv, type Targets } from './targets.js';
export { trafficArgs } from './traffic.js';

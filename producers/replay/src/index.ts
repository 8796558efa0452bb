export {
  openAuditTrail,
  type AuditTrail,
  type ReplayRecord,
  type ReplayKind,
  type ReplayStatus,
} from './audit.js';
export {
  runCommand,
  type CommandContext,
  type CommandResult,
  type ReplayRequest,
  type Command,
} from './commands.js';
export { ReplayError, UsageError } from './errors.js';
export { matches, parseHeaderFilters, eventTypeOf, type MessageFilter } from './filters.js';
export {
  describeGroup,
  groupLag,
  totalLag,
  type GroupMember,
  type PartitionLag,
} from './groups.js';
export { planWindow, type Plan, type PartitionPlan, type WindowSpec } from './plan.js';
export type { Progress, RunResult } from './republish.js';
export {
  ORIGINAL_ID_HEADER,
  REDRIVE_COUNT_HEADER,
  REDRIVE_OF_HEADER,
  REPLAY_OF_HEADER,
  parseTraceparent,
  replayEventId,
} from './replay-publish.js';
export { formatResult, formatList, formatRecord } from './format.js';
export { parseCli, USAGE, type CliInvocation } from './options.js';
export { parseDuration, parseTime, formatDuration } from './time.js';
export { READER_GROUP_PREFIX, readRanges, rangesFor, type WindowMessage } from './window.js';

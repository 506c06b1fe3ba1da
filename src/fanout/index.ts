export { FanoutFailedError, FanoutTargetsError } from './errors';
export { checkTargets, targetNameOf, type FanoutTarget } from './target';
export {
  parseTargetsText,
  queryTenantTargets,
  readTargetsFile,
  schemaTargets,
  targetsFromUrls,
  tenantTargets,
  urlOf,
  type PlannedTarget,
  type TenantEntry,
  type TenantsOption,
} from './target-sources';
export { targetRuntimeSettings, type TargetRuntimeSettings } from './target-runtime';
export {
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  describeCommand,
  runFanout,
  type FanoutCommand,
  type FanoutListener,
  type FanoutOptions,
  type FanoutResult,
  type TargetError,
  type TargetResult,
  type TargetStatus,
} from './fanout-runner';
export { countStatuses, fanoutReport, formatDuration, summaryLines, type FanoutReport, type Paint, type StatusCounts } from './fanout-report';
export { FanoutProgress, type ProgressStream } from './fanout-progress';
export { joinSchemaScripts, renderTargetScripts, writeTargetScripts, type TargetScript } from './offline-scripts';

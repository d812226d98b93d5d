export * from './params.js';
export * from './spec.js';
export * from './grammar.js';
export { parseServiceSpec, parseRemoveRequest, maskValue } from './parse.js';
export { toEntries, type ParamInput } from './input.js';
export {
  labelsToParams,
  labelsToQuery,
  isNotifyEnabled,
  LABEL_PREFIX,
  DEFAULT_NOTIFY_LABEL,
  type LabelsToParamsOptions,
} from './labels.js';
export { labelsMarkdown } from './docs.js';
export { migratingLabelsMarkdown, MIGRATING_LABELS_START, MIGRATING_LABELS_END } from './migration.js';
export { didYouMean } from './suggest.js';

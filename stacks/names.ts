/** Physical names are shared with the operator command, so they live in core/names.ts. */
export { logTriggerNames, NAME_LIMITS, NAME_PREFIX, physicalName, targetNames } from "../core/names";

export { lockSafeSteps, type LockSafeOptions } from './lock-safe-steps';

export { AlembicError } from './errors';
export * from './graph';

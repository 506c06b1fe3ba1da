/** The schema-per-tenant example's entities: every table lives once per tenant schema. */
export { Project, ProjectStage } from './Project';
export { Task } from './Task';

/** The example app's entities (the final model; its history lives in migrations/). */
export { Post } from './Post';
export { Team } from './Team';
export { User } from './User';

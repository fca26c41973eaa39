/**
 * Recipes now run on the one step engine (steps.ts) and their shapes live in harness/declarations.ts;
 * this module only keeps the old import path working.
 */
export { describeResult, freshKey, isSuccess, mergeInput, prepare, roleFor, type Prepared } from './steps.ts';
export type { IdempotencyRecipe, OperationRecipe, RateLimitRecipe, RecipeCall } from '../declarations.ts';

/**
 * `autogen/`: MikroORM's schema difference -> operations (each with its inverse) -> safety notes ->
 * rendered `up()`/`down()` bodies, SQL and a summary.
 */
export { autogenerate, type AutogenOptions } from './autogenerate';
export { autogenerateBaseline, type BaselineOptions } from './baseline';
export { bookkeepingTableNames, DEFAULT_BOOKKEEPING_TABLES, type BookkeepingTableName } from './bookkeeping-tables';
export { emptyIndexCatalog, readIndexCatalog, type CatalogIndexDefinition, type IndexCatalog } from './index-catalog';
export {
  applySchemaFilter,
  compileSchemaFilter,
  type SchemaFilterOptions,
  type SchemaObject,
  type SchemaObjectPattern,
  type SchemaObjectPredicate,
  type SchemaObjectType,
} from './schema-filter';
export { renderAutogenResult, type AutogenResult } from './autogen-result';
export { checkEnumItems, columnChangeOperations, enumCheck, type ColumnChangeOperations } from './column-changes';
export { describeOperation } from './describe-operation';
export { emptyCatalog, readEnumCatalog, type CatalogEnumType, type CatalogQuery, type EnumCatalog } from './enum-catalog';
export { planEnumChanges, type EnumPlan, type EnumPlanInput, type EnumRenames } from './enum-planner';
export { enumSteps, isValueInsertion, type EnumHelperName, type EnumStep, type EnumStepOptions } from './enum-steps';
export { AutogenUnsupportedPlatformError, EnumRebuildBlockedError, InvalidEnumRenameError, OperationRenderError } from './errors';
export { enumColumnUses, nativeEnumKey, type NativeEnumMap, type SchemaSource } from './enum-usage';
export { planEnumValueChanges, type EnumValueChangeInput, type EnumValueChanges } from './enum-value-changes';
export { invertOperation, invertOperations } from './invert-operation';
export { loadSchemas, type SchemaPair, type VersionTableRef } from './load-schemas';
export { displayName } from './names';
export * from './operation';
export { applyPasses, type OperationPass, type PassContext } from './operation-pass';
export { planOperations, type PlanInput } from './plan-operations';
export { operationSection, renderMethodBody, type RenderedOperation } from './render-code';
export { OperationSqlRenderer } from './render-sql';
export { SAFETY_CODES, safetyNotesPerOperation, type SafetyCode, type SafetyNote } from './safety-notes';
export { isNarrowingTypeChange } from './type-narrowing';

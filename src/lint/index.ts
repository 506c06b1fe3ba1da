export { LintAcknowledgementError, LintFailedError } from './errors';
export { LINT_CODES, LINT_RULES, isLintCode, lintRule, type LintCode, type LintRule } from './lint-rules';
export { lintStatements, type LintStatementsOptions, type StatementFinding } from './lint-statements';
export { lintRevisions, type LintFinding, type LintOptions, type LintReport, type LintSkipped } from './lint-revisions';

import { isValueInsertion, removedValues } from './enum-steps';
import { displayName, sortKey } from './names';
import type { Operation } from './operation';
import { isNarrowingTypeChange } from './type-narrowing';

/**
 * The stable codes of safety notes. Each names a step of `up` that can lose data, fail on existing
 * data, or rests on a guess; docs/autogenerate.md says what each means and what to do.
 */
export const SAFETY_CODES = Object.freeze([
  'DATA_LOSS_DROP_TABLE',
  'DATA_LOSS_DROP_COLUMN',
  'NARROWING_TYPE',
  'NOT_NULL_ON_EXISTING',
  'UNIQUE_ON_EXISTING',
  'GUESSED_RENAME',
  'ENUM_VALUE_REMOVED',
  'ENUM_REBUILD_REWRITE',
  'GUESSED_ENUM_RENAME',
  'GUESSED_ENUM_TYPE_RENAME',
  'ENUM_DOWN_BLOCKED',
  'DROP_UNDECLARED_INDEX',
  'DROP_UNDECLARED_CHECK',
  'DROP_UNDECLARED_FOREIGN_KEY',
] as const);

/** One of {@link SAFETY_CODES}. */
export type SafetyCode = (typeof SAFETY_CODES)[number];

/** A destructive, data-dependent or guessed step, named when the revision is generated. */
export interface SafetyNote {
  /** A stable code, one of {@link SAFETY_CODES}. */
  readonly code: string;
  /** One sentence for people (may be reworded between versions). */
  readonly message: string;
  /** The table (`user`, `app.tag`), when the step is about one. */
  readonly table?: string;
  /** The column, when the step is about one. */
  readonly column?: string;
}

/**
 * The safety notes of each operation of `up` (same length and order as `operations`; most entries
 * are empty). A table created by the same list is "new": adding a NOT NULL column or a unique index
 * to it cannot fail on existing rows.
 *
 * @example
 * ```ts
 * const notes = safetyNotesPerOperation(operations).flat();
 * for (const note of notes) console.warn(`${note.code}: ${note.message}`);
 * ```
 */
export function safetyNotesPerOperation(operations: readonly Operation[]): SafetyNote[][] {
  const created = new Set(operations.filter((op) => op.kind === 'createTable').map((op) => sortKey(op.table)));
  return operations.map((op) => notesOf(op, created));
}

function notesOf(op: Operation, created: ReadonlySet<string>): SafetyNote[] {
  switch (op.kind) {
    case 'dropTable': {
      const table = displayName(op.table);
      return [note('DATA_LOSS_DROP_TABLE', `drops table ${table} and all its rows; down re-creates the table, empty`, table)];
    }
    case 'dropColumn': {
      const table = displayName(op.table);
      const c = op.column;
      const nullableDown = !(c.nullable || c.default !== null || c.autoincrement || c.primary || c.generated !== undefined);
      const down = nullableDown ? 'down re-adds the column without the data, nullable (NOT NULL only when the table is empty)' : 'down re-adds the column, without the data';
      return [note('DATA_LOSS_DROP_COLUMN', `drops column ${table}.${c.name} and its data; ${down}`, table, c.name)];
    }
    case 'alterColumnType': {
      if (!isNarrowingTypeChange(op.from, op.to)) return [];
      const table = displayName(op.table);
      const message = `changes the type of ${table}.${op.column} from ${typeText(op.from)} to ${typeText(op.to)}: fails, or cuts values, when existing data does not fit`;
      return [note('NARROWING_TYPE', message, table, op.column)];
    }
    case 'alterColumnNullable': {
      if (op.to || created.has(sortKey(op.table))) return [];
      const table = displayName(op.table);
      return [note('NOT_NULL_ON_EXISTING', `makes ${table}.${op.column} NOT NULL: fails if existing rows hold NULL`, table, op.column)];
    }
    case 'addColumn': {
      const c = op.column;
      if (c.nullable || c.default !== null || c.autoincrement || c.generated !== undefined || created.has(sortKey(op.table))) return [];
      const table = displayName(op.table);
      return [note('NOT_NULL_ON_EXISTING', `adds ${table}.${c.name} NOT NULL without a default: fails if the table has rows`, table, c.name)];
    }
    case 'createIndex': {
      if (!(op.index.unique || op.index.primary) || created.has(sortKey(op.table))) return [];
      const table = displayName(op.table);
      const what = op.index.primary ? 'a primary key' : `unique index ${op.index.keyName}`;
      const columns = op.index.columnNames.join(', ');
      return [note('UNIQUE_ON_EXISTING', `adds ${what} on ${table} (${columns}): fails if existing rows hold duplicates`, table, op.index.columnNames.length === 1 ? op.index.columnNames[0] : undefined)];
    }
    case 'renameColumn': {
      if (!op.guessed) return [];
      const table = displayName(op.table);
      const message = `MikroORM guessed that ${table}.${op.from} was renamed to ${op.to} (a dropped and an added column with the same definition); if it was not, edit this into a drop and an add`;
      return [note('GUESSED_RENAME', message, table, op.from)];
    }
    case 'renameIndex': {
      if (!op.guessed) return [];
      const table = displayName(op.table);
      return [note('GUESSED_RENAME', `MikroORM guessed that index ${op.from} on ${table} was renamed to ${op.to} (same columns and kind)`, table)];
    }
    case 'rebuildEnumType': {
      if (isValueInsertion(op)) return [];
      const notes: SafetyNote[] = [];
      const removed = removedValues(op);
      const type = displayName(op.type);
      if (removed.length > 0) {
        const values = removed.map((v) => `'${v}'`).join(', ');
        const message =
          `removes ${values} from enum type ${type}: rows holding ${removed.length === 1 ? 'it' : 'one'} stop the upgrade before anything ` +
          'changes (with the table, column and row count), unless the revision maps the value to one the type keeps';
        notes.push(note('ENUM_VALUE_REMOVED', message));
      }
      const tables = [...new Set(op.columns.map((c) => displayName(c.table)))];
      if (tables.length > 0) {
        const d = op.dependents;
        const recreated = [
          ...(d?.views ?? []).map((v) => `view ${typeof v.view === 'string' ? v.view : v.view.name}`),
          ...(d?.indexes ?? []).map((i) => `index ${i.name}`),
          ...(d?.constraints ?? []).map((c) => `constraint ${c.name}`),
        ];
        const message =
          `rebuilds enum type ${type}: rewrites ${tables.length === 1 ? `table ${tables[0]} once` : `tables ${tables.join(', ')} (once each)`} under an exclusive lock` +
          (recreated.length > 0 ? `, and drops and re-creates ${recreated.join(', ')}` : '');
        notes.push(note('ENUM_REBUILD_REWRITE', message, tables.length === 1 ? tables[0] : undefined));
      }
      return notes;
    }
    case 'renameEnumValue': {
      if (!op.guessed) return [];
      const type = displayName(op.type);
      const message =
        `guessed that value '${op.from}' of enum type ${type} was renamed to '${op.to}' (one value removed and one added at the same position): ` +
        `rows keep it as '${op.to}'; if it is not a rename, generate again with the autogenerate option enumRenames: { values: { '${type}': { '${op.from}': null } } }`;
      return [note('GUESSED_ENUM_RENAME', message)];
    }
    case 'renameEnumType': {
      if (!op.guessed) return [];
      const message =
        `guessed that enum type ${displayName(op.from)} was renamed to ${displayName(op.to)} (same values, used by the same columns); ` +
        `if it is not, generate again with the autogenerate option enumRenames: { types: { '${displayName(op.from)}': null } }`;
      return [note('GUESSED_ENUM_TYPE_RENAME', message)];
    }
    case 'dropIndex': {
      if (op.undeclared !== true) return [];
      const table = displayName(op.table);
      const what = op.index.primary ? 'primary key' : op.index.constraint ? 'unique constraint' : 'index';
      return [note('DROP_UNDECLARED_INDEX', `drops ${what} ${op.index.keyName} on ${table}, which no entity declares; to keep it, add it to the entities or to the \`ignore\` option`, table)];
    }
    case 'dropCheck': {
      if (op.undeclared !== true) return [];
      const table = displayName(op.table);
      return [note('DROP_UNDECLARED_CHECK', `drops check ${op.check.name} on ${table}, which no entity declares; to keep it, add it to the entities or to the \`ignore\` option`, table)];
    }
    case 'dropForeignKey': {
      if (op.undeclared !== true) return [];
      const table = displayName(op.table);
      const fk = op.foreignKey.constraintName;
      return [note('DROP_UNDECLARED_FOREIGN_KEY', `drops foreign key ${fk} on ${table}, which no entity declares; to keep it, add it to the entities or to the \`ignore\` option`, table)];
    }
    case 'addEnumValue': {
      if (op.downBlockers === undefined || op.downBlockers.length === 0) return [];
      const message = `down cannot remove '${op.value}' from enum type ${displayName(op.type)} again (a rebuild): ${op.downBlockers.join('; ')} use the type`;
      return [note('ENUM_DOWN_BLOCKED', message)];
    }
    default:
      return [];
  }
}

function typeText(column: { readonly type: string; readonly nativeEnumName?: string }): string {
  return column.nativeEnumName ?? column.type;
}

function note(code: SafetyCode, message: string, table?: string, column?: string): SafetyNote {
  const n: { code: string; message: string; table?: string; column?: string } = { code, message };
  if (table !== undefined) n.table = table;
  if (column !== undefined) n.column = column;
  return Object.freeze(n);
}

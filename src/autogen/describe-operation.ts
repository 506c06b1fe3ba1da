import { displayName } from './names';
import type { ColumnDefinition, IndexDefinition, Operation } from './operation';

/**
 * One line for people saying what an operation does, starting with `+` (something is created or
 * added), `-` (dropped) or `~` (changed). The lines of `up` are the summary `migration:check` prints.
 *
 * @example
 * ```ts
 * describeOperation({ kind: 'dropColumn', table: { schema: 'public', name: 'user' }, column });
 * // => '- drop column user.bio'
 * ```
 */
export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'createSchema':
      return `+ create schema ${op.schema}`;
    case 'dropSchema':
      return `- drop schema ${op.schema}`;
    case 'createEnumType':
      return `+ create enum type ${displayName(op.type)} ${values(op.values)}`;
    case 'dropEnumType':
      return `- drop enum type ${displayName(op.type)}`;
    case 'addEnumValue':
      return `+ add value '${op.value}' to enum type ${displayName(op.type)}`;
    case 'rebuildEnumType':
      return `~ rebuild enum type ${displayName(op.type)}: ${values(op.fromValues)} -> ${values(op.toValues)}`;
    case 'renameEnumType':
      return `~ rename enum type ${displayName(op.from)} to ${displayName(op.to)}${op.guessed ? ' (guessed)' : ''}`;
    case 'renameEnumValue':
      return `~ rename value '${op.from}' of enum type ${displayName(op.type)} to '${op.to}'${op.guessed ? ' (guessed)' : ''}`;
    case 'createTable':
      return `+ create table ${displayName(op.table)}`;
    case 'dropTable':
      return `- drop table ${displayName(op.table)}`;
    case 'renameTable':
      return `~ rename table ${displayName(op.table)} to ${op.newName}`;
    case 'alterTableComment':
      return `~ change the comment of table ${displayName(op.table)}`;
    case 'addColumn':
      return `+ add column ${displayName(op.table)}.${op.column.name} ${columnText(op.column)}`;
    case 'dropColumn':
      return `- drop column ${displayName(op.table)}.${op.column.name}`;
    case 'renameColumn':
      return `~ rename column ${displayName(op.table)}.${op.from} to ${op.to}${op.guessed ? ' (guessed by MikroORM)' : ''}`;
    case 'alterColumnType':
      return `~ change the type of ${displayName(op.table)}.${op.column}: ${typeText(op.from)} -> ${typeText(op.to)}`;
    case 'alterColumnNullable':
      return `~ make ${displayName(op.table)}.${op.column} ${op.to ? 'nullable' : 'NOT NULL'}`;
    case 'alterColumnDefault':
      if (op.to === null) return `~ drop the default of ${displayName(op.table)}.${op.column} (${op.from})`;
      if (op.from === null) return `~ set the default of ${displayName(op.table)}.${op.column} to ${op.to}`;
      return `~ change the default of ${displayName(op.table)}.${op.column}: ${op.from} -> ${op.to}`;
    case 'alterColumnComment':
      return `~ change the comment of ${displayName(op.table)}.${op.column}`;
    case 'alterColumnAutoincrement':
      return `~ ${op.to ? 'give' : 'take away'} ${displayName(op.table)}.${op.column} ${op.to ? 'a' : 'its'} sequence default (autoincrement)`;
    case 'createIndex':
      return `+ create ${indexText(op.index)} on ${displayName(op.table)} (${op.index.columnNames.join(', ')})`;
    case 'dropIndex':
      return `- drop ${indexText(op.index)} on ${displayName(op.table)}`;
    case 'renameIndex':
      return `~ rename index ${op.from} on ${displayName(op.table)} to ${op.to}${op.guessed ? ' (guessed by MikroORM)' : ''}`;
    case 'addCheck':
      return `+ add check ${op.check.name} on ${displayName(op.table)}: ${op.check.expression}`;
    case 'dropCheck':
      return `- drop check ${op.check.name} on ${displayName(op.table)}`;
    case 'addForeignKey': {
      const fk = op.foreignKey;
      return `+ add foreign key ${fk.constraintName} on ${displayName(op.table)} (${fk.columnNames.join(', ')}) -> ${fk.referencedTableName} (${fk.referencedColumnNames.join(', ')})`;
    }
    case 'dropForeignKey':
      return `- drop foreign key ${op.foreignKey.constraintName} on ${displayName(op.table)}`;
  }
}

function values(items: readonly string[]): string {
  return `(${items.map((v) => `'${v}'`).join(', ')})`;
}

function typeText(column: ColumnDefinition): string {
  return column.nativeEnumName ?? column.type;
}

function columnText(column: ColumnDefinition): string {
  return `${typeText(column)}${column.nullable ? ' null' : ' not null'}${column.default !== null ? ` default ${column.default}` : ''}`;
}

function indexText(index: IndexDefinition): string {
  if (index.primary) return `primary key ${index.keyName}`;
  return `${index.unique ? 'unique ' : ''}index ${index.keyName}`;
}

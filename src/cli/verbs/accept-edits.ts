import { lockWaitNote } from '../lock-wait';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/**
 * `accept-edits [rev...]`: re-records the checksums of applied revisions whose files were edited (and
 * of rows in the old checksum format), running nothing: the way out of "was edited after it was
 * applied" when the edit is intended. Under the migration lock.
 *
 * @example
 * ```ts
 * await acceptEditsVerb(ctx, ['ae1027a6acf5']);
 * ```
 */
export async function acceptEditsVerb(ctx: VerbContext, revisions: readonly string[]): Promise<void> {
  for (const rev of revisions) checkTargetSyntax(rev, 'revision');
  const project = await openProject(ctx, 'database');
  const runtime = project.runtime({ onWait: lockWaitNote(ctx.output) });
  const { accepted } = await runtime.acceptEdits(revisions.length === 0 ? undefined : revisions);
  ctx.output.line(
    accepted.length === 0
      ? 'Nothing to accept: every applied revision matches its file'
      : `Re-recorded the checksum of ${accepted.length} applied revision(s): ${accepted.join(', ')} (nothing was run)`,
  );
}

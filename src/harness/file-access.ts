import * as fs from 'node:fs';
import * as path from 'node:path';

/** A user and group to run a program as. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** The unprivileged user and group that run the embedded server when this process is root (`nobody`/`nogroup`). */
export const NOBODY: RunAs = Object.freeze({ uid: 65534, gid: 65534 });

/**
 * The first folder on the way to `target` (the target included, when it exists) that `who` may not search
 * (no `x` permission for them by owner, group or others bits; ACLs are not looked at), or `undefined` when every
 * existing folder on the way is searchable. Folders that do not exist yet are skipped.
 */
export function unsearchableFolder(target: string, who: RunAs): string | undefined {
  let current = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) {
      break;
    }
    current = parent;
  }
  for (const dir of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      return undefined; // the rest does not exist yet
    }
    if (!stat.isDirectory()) {
      continue;
    }
    const bit = stat.uid === who.uid ? 0o100 : stat.gid === who.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) {
      return dir;
    }
  }
  return undefined;
}

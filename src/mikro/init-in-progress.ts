/**
 * Whether {@link initWithUpgrade} is starting an ORM right now, so the plugin's `register` (called
 * inside `MikroORM.init`) can tell it apart from a plain `MikroORM.init`, which cannot honour
 * `upgradeOnInit`.
 * @internal
 */
let starting = 0;

/** Marks the start of an `initWithUpgrade`; returns the function that marks its end. @internal */
export function beginInitWithUpgrade(): () => void {
  starting++;
  let ended = false;
  return () => {
    if (!ended) starting--;
    ended = true;
  };
}

/** Whether an `initWithUpgrade` is starting an ORM. @internal */
export function initWithUpgradeInProgress(): boolean {
  return starting > 0;
}

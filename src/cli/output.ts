import picocolors from 'picocolors';

/** Colour functions (each returns its text unchanged when colours are off). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** A stream the bin writes to (`process.stdout`, `process.stderr`, or a test double). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one. */
  readonly columns?: number;
}

/**
 * Where the bin writes: results to stdout, warnings and errors to stderr, with colours that are on
 * only for a terminal (never for a pipe or a file), and off with `NO_COLOR` or `--no-color`.
 * `FORCE_COLOR` (not `0`) turns them on anyway.
 *
 * @example
 * ```ts
 * const output = new Output(process.stdout, process.stderr);
 * output.line(`${output.color.yellow('1a2b3c4d5e6f')} (head)`);
 * output.warn('the version table was edited by hand');
 * ```
 */
export class Output {
  /** Colours for stdout (functions that return the text unchanged when colours are off). */
  readonly color: Colors;
  /** Colours for stderr. */
  readonly errColor: Colors;

  constructor(
    readonly stdout: OutputStream,
    readonly stderr: OutputStream,
    options: { color?: boolean; env?: Readonly<Record<string, string | undefined>> } = {},
  ) {
    const env = options.env ?? process.env;
    this.color = picocolors.createColors(colorEnabled(stdout, options.color, env));
    this.errColor = picocolors.createColors(colorEnabled(stderr, options.color, env));
  }

  /** Whether stdout is a terminal (progress lines are redrawn in place only then). */
  get isTTY(): boolean {
    return this.stdout.isTTY === true;
  }

  /** The terminal's width (stdout), or `undefined`. */
  get columns(): number | undefined {
    return this.stdout.columns;
  }

  /** One line to stdout. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Many lines to stdout, in one write. */
  lines(lines: readonly string[]): void {
    if (lines.length > 0) this.stdout.write(`${lines.join('\n')}\n`);
  }

  /** Text to stdout as is (no newline added). */
  raw(text: string): void {
    this.stdout.write(text);
  }

  /** A JSON document to stdout (two-space indentation, one trailing newline). */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A note to stderr (does not change the exit code). */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** A warning to stderr. */
  warn(text: string): void {
    this.stderr.write(`${this.errColor.yellow('warning:')} ${text}\n`);
  }

  /** An error to stderr, with an optional hint line. */
  error(text: string, hint?: string | null): void {
    this.stderr.write(`${this.errColor.red(this.errColor.bold('error:'))} ${text}\n`);
    if (hint) this.stderr.write(`${this.errColor.dim('hint:')} ${hint}\n`);
  }
}

/**
 * Whether colours are on for a stream: not with `--no-color` or a non-empty `NO_COLOR`; yes with
 * `FORCE_COLOR` other than `0`; otherwise only for a terminal whose `TERM` is not `dumb`.
 *
 * @example
 * ```ts
 * colorEnabled(process.stdout, undefined, { NO_COLOR: '1' }); // false
 * ```
 */
export function colorEnabled(
  stream: OutputStream,
  flag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

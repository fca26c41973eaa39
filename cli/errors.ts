/**
 * A usage or configuration error: printed as one line naming what to fix, exit code 2.
 *
 * @example
 *   throw new UsageError('--timestamp must be an integer (unix seconds), got "soon"');
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

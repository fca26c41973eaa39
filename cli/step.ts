/** The outcome of one step of `accord all` (and of the command that runs it alone). */
export interface StepResult {
  name: string;
  ok: boolean;
  /** One line for the summary table, e.g. "4 specs, 0 errors, 0 warnings". */
  detail: string;
}

export type Write = (line: string) => void;
export const stdoutWrite: Write = (line) => process.stdout.write(line + '\n');

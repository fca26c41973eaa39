// Long waits show what they are doing: without a terminal, a line at the start and one every few
// seconds with the step and the elapsed time; nothing more once stopped.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startProgress } from '../../cli/progress.ts';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (s: string) => (lines.push(s.trimEnd()), true) } as unknown as NodeJS.WritableStream & { isTTY?: boolean } };
};

it.each([
  {
    given: 'a fuzz step of 12 s among 4 checks',
    steps: [[0, 'conformance'], [3, 'fuzz']] as Array<[number, string]>,
    advance: 12_000,
    want: ['accord check: 0/4 (0 s)', 'accord check: 3/4 fuzz (5 s)', 'accord check: 3/4 fuzz (10 s)'],
  },
  { given: 'a wait shorter than one interval', steps: [[1, 'starship']] as Array<[number, string]>, advance: 4_000, want: ['accord check: 0/4 (0 s)'] },
])('$given', ({ steps, advance, want }) => {
  const { lines, stream } = sink();
  const progress = startProgress('accord check', 4, { stream });
  for (const [n, d] of steps) progress.update(n, d);
  vi.advanceTimersByTime(advance);
  progress.stop();
  vi.advanceTimersByTime(30_000);
  expect(lines).toEqual(want);
});

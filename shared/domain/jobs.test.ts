import { describe, expect, it } from 'vitest';
import { phaseText, type JobProgress } from './jobs';

const progress = (p: Partial<JobProgress>): JobProgress => ({
  phase: 'Writing disk vda',
  unit: 'bytes',
  bytesDone: 0,
  bytesTotal: null,
  rate: null,
  etaSeconds: null,
  ...p,
});

describe('phaseText', () => {
  it('gives the bytes done of the total while a phase moves bytes', () => {
    expect(phaseText(progress({ bytesDone: 3.1 * 1024 ** 3, bytesTotal: 10 * 1024 ** 3 }))).toBe('Writing disk vda (3.1 GiB of 10.0 GiB)');
    expect(phaseText(progress({ phase: 'Backing up disk vdb (2 of 2)', bytesDone: 512, bytesTotal: 1024 }))).toBe(
      'Backing up disk vdb (2 of 2), 512 B of 1.0 KiB',
    );
  });

  it('is the phase alone when nothing is counted, or when steps are', () => {
    expect(phaseText(progress({ phase: 'Waiting for Nova to build the server' }))).toBe('Waiting for Nova to build the server');
    expect(phaseText(progress({ phase: 'servers', unit: 'steps', bytesDone: 3, bytesTotal: 12 }))).toBe('servers');
  });
});

import { createHash, type Hash } from 'node:crypto';
import type { ExtentSink } from '../../engine';

const ZERO = Buffer.alloc(1024 * 1024);

/**
 * Wraps a restore sink and hashes the disk as written (holes as zeros, in disk order), so the
 * restored image on the hypervisor can be checked against what the backup holds.
 */
export function hashingSink(inner: ExtentSink): { sink: ExtentSink; digest: () => string } {
  const h: Hash = createHash('sha256');
  let result = '';
  return {
    digest: () => result,
    sink: {
      open: (size) => inner.open(size),
      async write(offset, data) {
        h.update(data);
        await inner.write(offset, data);
      },
      async zero(offset, length) {
        for (let done = 0; done < length; done += ZERO.length) h.update(ZERO.subarray(0, Math.min(ZERO.length, length - done)));
        await inner.zero(offset, length);
      },
      async finish() {
        await inner.finish();
        result = h.digest('hex');
      },
      abort: () => inner.abort(),
    },
  };
}

import { InvalidArgumentError } from '../errors';
import type { Range } from './extents';

/**
 * Reads a changed-extent list as the tools that produce one print it:
 * - JSON: an array of objects with offset and length (`rbd diff --format json`,
 *   `qemu-img map --output=json`), or {"extents": [...]};
 * - text: one extent per line, "offset length" (decimal or 0x hex), further columns and
 *   non-numeric lines (headers) ignored (`rbd diff` plain output).
 */
export function parseChangedExtents(text: string): Range[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (e) {
      throw new InvalidArgumentError(`The changed-extent list is not valid JSON: ${(e as Error).message}`);
    }
    const list = Array.isArray(data) ? data : (data as { extents?: unknown }).extents;
    if (!Array.isArray(list)) throw new InvalidArgumentError('The changed-extent list must be a JSON array of {offset, length}.');
    return list.map((e, i) => {
      const r = e as { offset?: unknown; length?: unknown };
      return checked(Number(r.offset), Number(r.length), `entry ${i}`);
    });
  }
  const out: Range[] = [];
  trimmed.split(/\r?\n/).forEach((line, i) => {
    const [a, b] = line.trim().split(/[\s,]+/);
    if (a === undefined || b === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(a) || !/^(0x[0-9a-f]+|\d+)$/i.test(b)) return;
    out.push(checked(Number(a), Number(b), `line ${i + 1}`));
  });
  return out;
}

function checked(offset: number, length: number, where: string): Range {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new InvalidArgumentError(`Changed-extent list, ${where}: offset and length must be whole numbers ≥ 0.`);
  }
  return { offset, length };
}

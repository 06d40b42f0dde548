import { describe, expect, it } from 'vitest';
import { previewText } from './FilePreview';

const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');

describe('previewText', () => {
  it('shows UTF-8 text, a character cut at the end of the preview included', () => {
    expect(previewText(b64('server {\n  listen 80;\n}\n'))).toBe('server {\n  listen 80;\n}\n');
    const cut = Buffer.from('café');
    expect(previewText(b64(cut.subarray(0, cut.length - 1)))).toBe('caf');
  });

  it('takes NUL bytes or invalid UTF-8 for a binary file', () => {
    expect(previewText(b64(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00])))).toBeNull();
    expect(previewText(b64(new Uint8Array([0x61, 0xff, 0xfe, 0x62])))).toBeNull();
  });
});

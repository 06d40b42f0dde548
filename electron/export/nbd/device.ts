/** What an export serves: bytes by offset. The engine's DiskReader is one (read-only). */
export interface BlockSource {
  readonly size: number;
  /** bytes [offset, offset+length), clipped to the end */
  read(offset: number, length: number): Promise<Buffer>;
}

/** A source the server may also write to (a copy-on-write overlay), or a read-only one. */
export interface BlockDevice extends BlockSource {
  readonly readOnly: boolean;
  write?(offset: number, data: Buffer): Promise<void>;
  flush?(): Promise<void>;
  trim?(offset: number, length: number): Promise<void>;
}

/** A read-only device over a source. */
export const readOnlyDevice = (source: BlockSource): BlockDevice => ({
  readOnly: true,
  get size() {
    return source.size;
  },
  read: (offset, length) => source.read(offset, length),
});

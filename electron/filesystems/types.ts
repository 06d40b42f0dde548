export type NodeType = 'file' | 'dir' | 'symlink' | 'chardev' | 'blockdev' | 'fifo' | 'socket' | 'unknown';

/** One entry of a backed-up file system, as its parser read it. */
export interface FsNode {
  /** the name's bytes, as the file system holds them (see names.ts for how they are shown) */
  name: Buffer;
  type: NodeType;
  size: number;
  /** permission bits and type, as st_mode (FAT: made up from its read-only flag) */
  mode: number;
  uid: number;
  gid: number;
  /** milliseconds since the epoch; may be fractional (ext4 and XFS keep nanoseconds) */
  mtimeMs: number;
  /** the parser's handle on the entry (inode number, first cluster …) */
  ref: number;
}

/**
 * A read-only file system on a volume. Parsers never follow symlinks (readlink gives the target
 * and nothing opens it), so a link cannot lead outside the file system or round in a loop. Every
 * method throws DamagedError for a structure that cannot be right, never hangs.
 */
export interface FileSystem {
  readonly kind: 'ext2' | 'ext3' | 'ext4' | 'vfat' | 'xfs';
  readonly label: string | null;
  readonly uuid: string | null;
  root(): Promise<FsNode>;
  list(dir: FsNode): Promise<FsNode[]>;
  /** bytes [offset, offset+length) of a file, clipped to its size; holes read as zeros */
  read(file: FsNode, offset: number, length: number): Promise<Buffer>;
  readlink(link: FsNode): Promise<Buffer>;
  /** the byte ranges of a file that hold data, in order (holes left out): a huge sparse file is copied in its data's time */
  dataRanges(file: FsNode): Promise<ByteRange[]>;
}

export interface ByteRange {
  offset: number;
  length: number;
}

const S_IFMT = 0o170000;
export function typeOfMode(mode: number): NodeType {
  switch (mode & S_IFMT) {
    case 0o100000: return 'file';
    case 0o040000: return 'dir';
    case 0o120000: return 'symlink';
    case 0o020000: return 'chardev';
    case 0o060000: return 'blockdev';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    default: return 'unknown';
  }
}

// The door of electron/filesystems: read-only readers of backed-up disks (README.md).
export { DamagedError } from './errors';
export { blockCache, readAhead, type ByteSource } from './source';
export { showName, rawName, splitPath, localName } from './names';
export type { FileSystem, FsNode, NodeType } from './types';
export { Tree, type EntryView } from './tree';
export { describeDisk, openVolume, type DiskLayout, type Volume } from './volumes';
export { RestorePointFiles, type OpenDisk } from './restore-point';
export { extract, type Conflict, type ExtractOptions, type ExtractReport } from './extract';
export { indexTree, encodeVolumeIndex, decodeVolumeIndex, NODE_TYPES, MAX_INDEX_ENTRIES, type VolumeIndex } from './file-index';

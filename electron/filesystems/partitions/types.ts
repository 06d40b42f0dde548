/** One entry of a disk's partition table, in bytes from the start of the disk. */
export interface Partition {
  /** as Linux numbers them: 1–4 primary (MBR) or table order (GPT), 5… logical */
  number: number;
  offset: number;
  size: number;
  /** MBR type byte ("0x83") or GPT type GUID */
  type: string;
  /** what the type means, when it is a well-known one */
  typeName: string | null;
  /** the GPT partition name */
  label: string | null;
}

export interface PartitionTable {
  scheme: 'mbr' | 'gpt' | 'none';
  partitions: Partition[];
  /** what was wrong but read around (a damaged primary GPT, a logical chain that loops) */
  problems: string[];
}

export const SECTOR = 512;

import fs from 'node:fs';

/**
 * Copies a compiled V8-API addon (ELF, x64 or arm64) and makes the copy look built for another
 * NODE_MODULE_VERSION, so tests meet the runtime's real load error without a second toolchain.
 * The runtime looks at two things, both patched here: the exported initializer
 * `node_register_module_v<ABI>` (renamed), and, for addons that also register a node_module
 * struct from a static constructor (better-sqlite3), its `nm_version` — those fail with
 * "compiled against a different Node.js version"; the others with "did not self-register".
 */
export const canPatchAbi = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');

// Relocations that can point the struct's nm_context_register_func at the initializer.
const RELATIVE = process.arch === 'arm64' ? 1027 : 8; // R_AARCH64_RELATIVE, R_X86_64_RELATIVE
const ABS64 = process.arch === 'arm64' ? 257 : 1; // R_AARCH64_ABS64, R_X86_64_64
// int nm_version; unsigned nm_flags; void* nm_dso_handle; const char* nm_filename; nm_register_func
const CONTEXT_REGISTER_OFFSET = 32;

interface Section {
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
}

export function copyWithModuleVersion(src: string, dst: string, abi: number): void {
  const b = Buffer.from(fs.readFileSync(src));
  const from = /node_register_module_v(\d+)/.exec(b.toString('latin1'))?.[1];
  if (!from || String(abi).length !== from.length) throw new Error(`${src}: no node_register_module_v<ABI> of ${String(abi).length} digits`);
  const u64 = (o: number) => Number(b.readBigUInt64LE(o));
  const shoff = u64(0x28);
  const shentsize = b.readUInt16LE(0x3a);
  const sections: Section[] = [];
  for (let i = 0; i < b.readUInt16LE(0x3c); i++) {
    const o = shoff + i * shentsize;
    sections.push({ type: b.readUInt32LE(o + 4), addr: u64(o + 16), offset: u64(o + 24), size: u64(o + 32), link: b.readUInt32LE(o + 40) });
  }
  const cstring = (o: number) => b.toString('latin1', o, b.indexOf(0, o));
  const dynsym = sections.find((s) => s.type === 11 /* SHT_DYNSYM */);
  if (!dynsym) throw new Error(`${src}: no dynamic symbols`);
  const dynstr = sections[dynsym.link]!;
  const name = `node_register_module_v${from}`;
  let symIndex = -1;
  let symValue = 0;
  let registersStruct = false;
  for (let i = 0; i < dynsym.size / 24; i++) {
    const o = dynsym.offset + i * 24;
    const symbol = cstring(dynstr.offset + b.readUInt32LE(o));
    if (symbol === name) [symIndex, symValue] = [i, u64(o + 8)];
    if (symbol === 'node_module_register') registersStruct = true;
  }
  if (registersStruct) patchStructVersion(b, sections, symIndex, symValue, Number(from), abi, src);
  // Same length, so no offsets move; the dynamic hash table no longer finds the old name, as intended.
  for (let i = b.indexOf(name); i >= 0; i = b.indexOf(name, i + 1)) b.write(`node_register_module_v${abi}`, i, 'latin1');
  fs.writeFileSync(dst, b);
}

function patchStructVersion(b: Buffer, sections: Section[], symIndex: number, symValue: number, from: number, abi: number, src: string): void {
  const u64 = (o: number) => Number(b.readBigUInt64LE(o));
  let struct = -1;
  for (const rela of sections.filter((s) => s.type === 4 /* SHT_RELA */)) {
    for (let o = rela.offset; o < rela.offset + rela.size; o += 24) {
      const info = b.readBigUInt64LE(o + 8);
      const [type, sym, addend] = [Number(info & 0xffffffffn), Number(info >> 32n), Number(b.readBigInt64LE(o + 16))];
      if ((type === RELATIVE && addend === symValue) || (type === ABS64 && sym === symIndex)) struct = u64(o) - CONTEXT_REGISTER_OFFSET;
    }
  }
  const data = sections.find((s) => s.type === 1 /* PROGBITS */ && s.addr <= struct && struct < s.addr + s.size);
  const at = data ? data.offset + struct - data.addr : -1;
  if (at < 0 || b.readInt32LE(at) !== from) throw new Error(`${src}: node_module struct not found`);
  b.writeInt32LE(abi, at);
}

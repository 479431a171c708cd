/**
 * A reader for the fatbin container nvcc --fatbin writes (magic 0xBA55ED50): the list of its
 * images with kind (cubin or PTX), architecture and, for PTX, the ISA version. Enough to check
 * what a build contains without cuobjdump, which a pip-installed nvcc does not ship.
 */
export interface FatbinImage {
  readonly kind: 'elf' | 'ptx';
  /** e.g. 90 for sm_90 / compute_90. */
  readonly arch: number;
  /** PTX ISA version as `major.minor` (PTX images only). */
  readonly ptxIsa?: string;
  readonly bytes: number;
}

const FATBIN_MAGIC = 0xba55ed50;
const KIND_PTX = 1;
const KIND_ELF = 2;

export function readFatbinImages(data: Buffer): FatbinImage[] {
  if (data.length < 16 || data.readUInt32LE(0) !== FATBIN_MAGIC) throw new Error('not a fatbin (bad magic)');
  const headerSize = data.readUInt16LE(6);
  const bodySize = Number(data.readBigUInt64LE(8));
  const end = headerSize + bodySize;
  if (end > data.length) throw new Error(`fatbin says ${end} bytes, file has ${data.length}`);
  const images: FatbinImage[] = [];
  let offset = headerSize;
  while (offset < end) {
    if (offset + 32 > end) throw new Error(`truncated image header at ${offset}`);
    const kind = data.readUInt16LE(offset);
    const entryHeader = data.readUInt32LE(offset + 4);
    const size = Number(data.readBigUInt64LE(offset + 8));
    const minor = data.readUInt16LE(offset + 24);
    const major = data.readUInt16LE(offset + 26);
    const arch = data.readUInt32LE(offset + 28);
    if (kind !== KIND_PTX && kind !== KIND_ELF) throw new Error(`unknown image kind ${kind} at ${offset}`);
    images.push(
      kind === KIND_PTX
        ? { kind: 'ptx', arch, ptxIsa: `${major}.${minor}`, bytes: size }
        : { kind: 'elf', arch, bytes: size },
    );
    offset += entryHeader + size;
  }
  return images;
}

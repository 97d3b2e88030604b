// Compact IMAP UID sets ("1:5,7,9:12") from UID lists, so a FETCH of thousands of UIDs stays one short command.

export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i] as number;
    ranges.push(start === end ? String(start) : `${start}:${end}`);
    i += 1;
  }
  return ranges.join(',');
}

/** `uids` split into chunks of `size`, newest (highest) first, each chunk ascending. */
export function newestFirstChunks(uids: readonly number[], size: number): number[][] {
  const sorted = [...uids].sort((a, b) => b - a);
  const chunks: number[][] = [];
  for (let i = 0; i < sorted.length; i += size) chunks.push(sorted.slice(i, i + size).reverse());
  return chunks;
}

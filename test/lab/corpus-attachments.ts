// Owns the corpus's attachment payloads: small but valid PNG, PDF, CSV, iCalendar and opaque binary files.
//
// Everything is built by hand from the seeded generator, never with zlib or a library, so the bytes cannot change
// with the Node or zlib version: PNG pixel data goes into "stored" (uncompressed) deflate blocks.
import type { Random } from './corpus-random';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream holding `data` in stored deflate blocks (RFC 1950/1951): valid, deterministic, uncompressed. */
function zlibStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let offset = 0; offset === 0 || offset < data.length; offset += 65535) {
    const block = data.subarray(offset, offset + 65535);
    const final = offset + 65535 >= data.length ? 1 : 0;
    const header = Buffer.alloc(5);
    header[0] = final;
    header.writeUInt16LE(block.length, 1);
    header.writeUInt16LE(~block.length & 0xffff, 3);
    parts.push(header, block);
  }
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32(data));
  parts.push(trailer);
  return Buffer.concat(parts);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A small RGB PNG (8–48 px square) with a two-colour gradient, so a viewer shows something recognisable. */
export function makePng(random: Random): Buffer {
  const size = random.int(8, 48);
  const from = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const to = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter type None
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size - 2);
      for (let c = 0; c < 3; c++) raw[row + 1 + x * 3 + c] = Math.round((from[c] as number) * (1 - t) + (to[c] as number) * t);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlibStored(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with a line of ASCII text and a correct cross-reference table. */
export function makePdf(random: Random, title: string): Buffer {
  const text = title.replace(/[^\x20-\x7e]/g, '?').replace(/([()\\])/g, '\\$1');
  const content = `BT /F1 18 Tf 36 100 Td (${text}) Tj ET\nBT /F1 10 Tf 36 70 Td (Reference ${random.hex(12)}) Tj ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 160] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** A CSV export (UTF-8, CRLF rows as RFC 4180 asks) with a few non-ASCII labels. */
export function makeCsv(random: Random): Buffer {
  const labels = ['Umsatz', 'Coût', 'Выручка', 'Revenue', '売上', 'Margin'];
  const rows = ['month,label,amount,share'];
  const count = random.int(5, 40);
  for (let i = 0; i < count; i++) {
    rows.push(`2024-${String((i % 12) + 1).padStart(2, '0')},${random.pick(labels)},${random.int(100, 99999)}.${random.int(0, 99)},${random.next().toFixed(4)}`);
  }
  return Buffer.from(rows.join('\r\n') + '\r\n', 'utf8');
}

/** Opaque bytes for an application/octet-stream attachment; `large` ones (64–256 KiB) exercise partial fetches. */
export function makeBinary(random: Random, large = false): Buffer {
  return random.bytes(large ? random.int(65_536, 262_144) : random.int(512, 12_288));
}

/** A short UTF-8 text file. */
export function makeTextFile(random: Random, lines: readonly string[]): Buffer {
  const count = random.int(3, 12);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(random.pick(lines));
  return Buffer.from(out.join('\r\n') + '\r\n', 'utf8');
}

/** An iCalendar meeting request (RFC 5545), CRLF lines; times are UTC. */
export function makeCalendar(random: Random, summary: string, organizer: string, start: Date): string {
  const stamp = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const end = new Date(start.getTime() + random.int(1, 4) * 30 * 60_000);
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Heron//Mail lab corpus//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${random.hex(16)}@maillab.test`,
    `DTSTAMP:${stamp(start)}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(end)}`,
    `SUMMARY:${summary.replace(/([,;\\])/g, '\\$1')}`,
    `ORGANIZER:mailto:${organizer}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

// Renders assets/icon.svg (and icon-small.svg for the tiniest sizes) to every PNG size the packages need,
// then builds icon.ico and icon.icns from those PNGs. Run: npx tsx scripts/make-icons.ts
// Uses Debian's Chromium through Playwright; the outputs are committed, so packaging never needs a browser.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(root, 'assets');

export const PNG_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024] as const;
/** Below this size the simplified drawing (bigger bird, tile to the edge, thicker legs) reads better. */
const SMALL_VARIANT_MAX = 32;
export const ICO_SIZES = [16, 32, 48, 64, 128, 256] as const;
/** ICNS element types holding PNG data, and the pixel size each one holds. */
export const ICNS_TYPES: readonly (readonly [type: string, size: number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Width and height from a PNG's IHDR chunk (throws if the data is not a PNG). */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (png.subarray(0, 8).toString('hex') !== signature || png.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error('not a PNG');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A Windows ICO container whose images are PNGs (supported since Windows Vista). */
export function buildIco(images: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const png of images) {
    const { width, height } = pngSize(png);
    if (width > 256 || height > 256) throw new Error(`ICO images are at most 256 px, got ${width}`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(width === 256 ? 0 : width, 0);
    entry.writeUInt8(height === 256 ? 0 : height, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...images]);
}

/** An Apple ICNS container: 'icns' + total length, then (type, length incl. 8-byte header, PNG data) elements. */
export function buildIcns(elements: readonly (readonly [type: string, png: Buffer])[]): Buffer {
  const parts = elements.map(([type, png]) => {
    if (type.length !== 4) throw new Error(`bad ICNS type ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([header, ...parts]);
}

/** The SVG with its root width/height set to `size`, so Chromium rasterizes it at exactly that size. */
function sizedSvg(svg: string, size: number): string {
  return svg.replace(/<svg\b[^>]*>/, (tag) =>
    tag.replace(/\swidth="[^"]*"/, ` width="${size}"`).replace(/\sheight="[^"]*"/, ` height="${size}"`),
  );
}

async function main(): Promise<void> {
  const svg = await readFile(path.join(assets, 'icon.svg'), 'utf8');
  const smallSvg = await readFile(path.join(assets, 'icon-small.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const pngs = new Map<number, Buffer>();
  try {
    for (const size of PNG_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      const source = size <= SMALL_VARIANT_MAX ? smallSvg : svg;
      await page.setContent(
        `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent}svg{display:block}</style></head>` +
          `<body>${sizedSvg(source, size)}</body></html>`,
      );
      const png = await page.screenshot({ clip: { x: 0, y: 0, width: size, height: size }, omitBackground: true, type: 'png' });
      await page.close();
      const actual = pngSize(png);
      if (actual.width !== size || actual.height !== size) throw new Error(`rendered ${actual.width}x${actual.height}, wanted ${size}`);
      pngs.set(size, png);
    }
  } finally {
    await browser.close();
  }

  const png = (size: number): Buffer => {
    const data = pngs.get(size);
    if (!data) throw new Error(`no ${size} px rendering`);
    return data;
  };

  await mkdir(path.join(assets, 'icons'), { recursive: true });
  for (const size of PNG_SIZES) await writeFile(path.join(assets, 'icons', `${size}x${size}.png`), png(size));
  await writeFile(path.join(assets, 'icon.png'), png(1024));
  await writeFile(path.join(assets, 'icon.ico'), buildIco(ICO_SIZES.map(png)));
  await writeFile(path.join(assets, 'icon.icns'), buildIcns(ICNS_TYPES.map(([type, size]) => [type, png(size)] as const)));
  console.log(`wrote ${PNG_SIZES.length} PNGs, icon.png, icon.ico (${ICO_SIZES.join(', ')}) and icon.icns (${ICNS_TYPES.map(([t]) => t).join(', ')})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

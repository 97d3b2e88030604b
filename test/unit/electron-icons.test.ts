// The committed icons electron-builder packs: every PNG size for Linux, a PNG-based ICO and ICNS.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const asset = (name: string) => readFileSync(new URL(`../../assets/${name}`, import.meta.url));

function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('icons', () => {
  it('has the SVG source, made for Heron', () => {
    const svg = asset('icon.svg').toString('utf8');
    assert.match(svg, /<svg[^>]+viewBox="0 0 1024 1024"/);
    assert.match(svg, /<title>Heron<\/title>/);
  });

  for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
    it(`has icons/${size}x${size}.png at that size`, () => {
      assert.deepEqual(pngSize(asset(`icons/${size}x${size}.png`)), { width: size, height: size });
    });
  }

  it('has icon.png at 1024 px', () => assert.deepEqual(pngSize(asset('icon.png')), { width: 1024, height: 1024 }));

  it('has icon.ico holding PNGs from 16 to 256 px', () => {
    const ico = asset('icon.ico');
    assert.equal(ico.readUInt16LE(0), 0);
    assert.equal(ico.readUInt16LE(2), 1);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const entry = 6 + 16 * i;
      const declared = ico.readUInt8(entry) || 256;
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      const { width, height } = pngSize(ico.subarray(offset, offset + length));
      assert.equal(width, declared);
      assert.equal(height, declared);
      sizes.push(width);
    }
    assert.deepEqual(sizes, [16, 32, 48, 64, 128, 256]);
  });

  it('has icon.icns with PNG elements ic07-ic10 (and the small/retina ones)', () => {
    const icns = asset('icon.icns');
    assert.equal(icns.subarray(0, 4).toString('latin1'), 'icns');
    assert.equal(icns.readUInt32BE(4), icns.length);
    const found = new Map<string, number>();
    for (let offset = 8; offset < icns.length; ) {
      const type = icns.subarray(offset, offset + 4).toString('latin1');
      const length = icns.readUInt32BE(offset + 4);
      assert.ok(length > 8 && offset + length <= icns.length, `bad length for ${type}`);
      found.set(type, pngSize(icns.subarray(offset + 8, offset + length)).width);
      offset += length;
    }
    const expected: Record<string, number> = { ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512, icp4: 16, icp5: 32, icp6: 64 };
    for (const [type, size] of Object.entries(expected)) assert.equal(found.get(type), size, type);
  });
});

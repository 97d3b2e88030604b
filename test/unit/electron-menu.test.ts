// The application menu template.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../src-main/electron/menu';

const labels = (template: MenuItemConstructorOptions[]) => template.map((item) => item.label?.replace('&', ''));
const roles = (item: MenuItemConstructorOptions | undefined) =>
  (Array.isArray(item?.submenu) ? item.submenu : []).map((entry) => entry.role).filter((role) => role !== undefined);

describe('application menu', () => {
  it('has File, Edit, View, Window and Help on Linux and Windows', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = buildMenuTemplate({ platform, appName: 'Heron', isPackaged: true });
      assert.deepEqual(labels(template), ['File', 'Edit', 'View', 'Window', 'Help']);
      assert.ok(roles(template[0]).includes('quit'));
      assert.ok(roles(template[4]).includes('about'));
    }
  });

  it('starts with the app menu on macOS, which holds About and Quit', () => {
    const template = buildMenuTemplate({ platform: 'darwin', appName: 'Heron', isPackaged: true });
    assert.deepEqual(labels(template), ['Heron', 'File', 'Edit', 'View', 'Window', 'Help']);
    assert.ok(roles(template[0]).includes('about'));
    assert.ok(roles(template[0]).includes('quit'));
    assert.ok(!roles(template[1]).includes('quit'));
    assert.equal(template[5]?.role, 'help');
  });

  it('has the standard editing roles', () => {
    const edit = buildMenuTemplate({ platform: 'linux', appName: 'Heron', isPackaged: true })[1];
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']) assert.ok(roles(edit).includes(role as never), role);
  });

  it('offers developer tools only in unpackaged builds', () => {
    const packaged = buildMenuTemplate({ platform: 'linux', appName: 'Heron', isPackaged: true })[2];
    const dev = buildMenuTemplate({ platform: 'linux', appName: 'Heron', isPackaged: false })[2];
    assert.ok(!roles(packaged).includes('toggleDevTools'));
    assert.ok(roles(dev).includes('toggleDevTools'));
  });

  it('uses roles only (no click handlers reaching into the renderer)', () => {
    const walk = (items: MenuItemConstructorOptions[]): void => {
      for (const item of items) {
        assert.equal(item.click, undefined);
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    for (const platform of ['linux', 'darwin', 'win32'] as const) walk(buildMenuTemplate({ platform, appName: 'Heron', isPackaged: false }));
  });
});

// Every permission a page could ask for is refused (Electron security checklist item 5; security.md A10).

import type { Session } from 'electron';

/** setPermissionRequestHandler: answers every request (camera, notifications, geolocation, ...) with no. */
export function denyPermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (permissionGranted: boolean) => void,
): void {
  callback(false);
}

/** setPermissionCheckHandler: every synchronous permission check says no. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** setDevicePermissionHandler: no HID / serial / USB device is ever granted. */
export function denyDevicePermission(): boolean {
  return false;
}

/** Installs the deny-all handlers on one session (main.ts calls it for every webContents' session). */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(denyDevicePermission);
}

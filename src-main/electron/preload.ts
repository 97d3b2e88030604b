// Sandboxed preload (built to CommonJS): puts the one RPC message pipe on the page as window.heron.

import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../shared/bridge';
import { createBridge } from './preload-bridge';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));

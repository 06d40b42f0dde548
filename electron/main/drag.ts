import path from 'node:path';
import { ipcMain, nativeImage, type BrowserWindow, type IpcMainEvent } from 'electron';
import type { DragOut } from '../services/files/drag-out';

/**
 * Drag to restore: the renderer asks files.prepareDrag to copy the selection out, then, when the
 * admin starts dragging the prepared handle, sends its token here; only a token the core handed
 * out is dragged (the renderer never names a path of this machine), and only from our window.
 */
export function registerDrag(dragOut: Pick<DragOut, 'paths'>, getWindow: () => BrowserWindow | undefined, resourcesDir: string): () => void {
  const icon = nativeImage.createFromPath(path.join(resourcesDir, 'icons', '32x32.png'));
  const onDrag = (e: IpcMainEvent, token: unknown) => {
    const win = getWindow();
    if (!win || e.sender !== win.webContents || e.senderFrame !== win.webContents.mainFrame || typeof token !== 'string') return;
    const files = dragOut.paths(token);
    if (!files?.length) return;
    e.sender.startDrag({ file: files[0]!, files, icon });
  };
  ipcMain.on('backstack:drag', onDrag);
  return () => ipcMain.off('backstack:drag', onDrag);
}

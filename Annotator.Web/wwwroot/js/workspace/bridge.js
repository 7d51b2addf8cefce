// @ts-check
/**
 * The Razor workspace's entry point into the canvas engine: creates the workspace from the options .NET sends as
 * JSON, tells it when the connection goes down and comes back, and keeps the save indicator honest:
 * "All changes saved" when nothing of ours is unconfirmed, "Saving…" while something is on its way, "Offline" with
 * the count of changes kept in this browser while the connection is down, "Signed out" when the session ended,
 * "Storage full" (and the workspace's banner, html[data-storage-full]) while the server cannot store them.
 */
import { createWorkspace } from './workspace.js';
import { isConnected, onConnectionChange } from '../connection.js';

/**
 * @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} DotNetRef
 * @typedef {'saved' | 'saving' | 'offline' | 'signed-out' | 'storage-full'} SaveState
 */

const win = /** @type {any} */ (window);

/**
 * The workspace open in this tab. When the server resumes a session it had dropped (.NET 10 circuit resumption),
 * the page's component starts over and opens a new workspace while the old one's .NET side is gone: the old one is
 * disposed first, and the new one takes over its unsent operations from session storage.
 * @type {{dispose: () => void} | null}
 */
let current = null;

/** @param {number} n */
const changes = (n) => (n === 1 ? '1 change' : `${n} changes`);

/**
 * @param {HTMLElement} host the element the canvases go into
 * @param {HTMLElement | null} status the save indicator (its text and data-state are managed here)
 * @param {DotNetRef} dotNetRef the Razor component
 * @param {string} optionsJson options of createWorkspace, as JSON
 */
export function open(host, status, dotNetRef, optionsJson) {
  current?.dispose();
  const options = JSON.parse(optionsJson);
  /** @type {ReturnType<typeof createWorkspace> | null} */
  let workspace = null;

  const render = () => {
    if (!status || !workspace) return;
    const { pending, connected, signedOut, storageFull } = workspace.sync();
    /** @type {SaveState} */
    const state = signedOut ? 'signed-out' : !connected ? 'offline'
      : storageFull && pending > 0 ? 'storage-full' : pending > 0 ? 'saving' : 'saved';
    // The banner over the canvas (css/workspace.css): it says more than fits in the indicator.
    document.documentElement.toggleAttribute('data-storage-full', state === 'storage-full');
    status.dataset.state = state;
    status.dataset.pending = String(pending);
    status.textContent = state === 'signed-out'
      ? `Signed out: ${changes(pending)} waiting`
      : state === 'offline'
        ? pending ? `Offline: ${changes(pending)} kept here` : 'Offline'
        : state === 'storage-full' ? `Not saved: ${changes(pending)} kept here`
          : state === 'saving' ? 'Saving…' : 'All changes saved';
    status.title = state === 'signed-out'
      ? 'Your session ended. Sign in again (in another tab), then reload this page: the waiting changes are sent then.'
      : state === 'offline'
        ? 'The connection to the server is lost. Keep working: your changes are kept in this browser and sent, in order, when it is back.'
        : state === 'storage-full'
          ? "The server's storage is full. Your changes are kept in this tab and sent again every little while; they are saved once space is freed."
          : state === 'saving' ? 'Your last change is on its way to the server.' : 'Every change is stored on the server.';
  };

  // Unsent edits survive a reload (session storage), not closing the tab: ask first.
  /** @param {BeforeUnloadEvent} e */
  const beforeUnload = (e) => {
    if (workspace && workspace.pendingCount() > 0 && !win.annotatorReloading) e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);

  workspace = createWorkspace(host, dotNetRef, {
    ...options,
    storageKey: `annotator.pending.v1.${options.userId ?? ''}.${options.image?.id ?? ''}`,
    connected: isConnected(),
    onStateChanged: render,
  });
  const stopListening = onConnectionChange((up) => {
    workspace?.setConnected(up);
    render();
  });
  // For the reconnect banner: whether this tab still has edits to send.
  win.annotatorPendingEdits = () => ({ pending: workspace?.pendingCount() ?? 0 });
  render();

  // The interop channel itself, reachable as window.annotatorWorkspace.dotNet: scripts (and the tests of the server's
  // validation) can send operations exactly as the canvas does. Nothing here is trusted: the server checks every one.
  Object.defineProperty(workspace, 'dotNet', { value: dotNetRef, enumerable: false });
  const dispose = workspace.dispose.bind(workspace);
  workspace.dispose = () => {
    if (current === workspace) current = null;
    stopListening();
    window.removeEventListener('beforeunload', beforeUnload);
    win.annotatorPendingEdits = undefined;
    document.documentElement.removeAttribute('data-storage-full');
    dispose();
  };
  current = workspace;
  return workspace;
}

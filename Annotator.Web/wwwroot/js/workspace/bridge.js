// @ts-check
/**
 * The Razor workspace's entry point into the canvas engine: creates the workspace from the options .NET sends as
 * JSON, tells it when the connection goes down and comes back, and keeps the save indicator honest:
 * "All changes saved" when nothing of ours is unconfirmed, "Saving…" while something is on its way, "Offline" with
 * the count of changes kept in this browser while the connection is down, "Signed out" when the session ended.
 */
import { createWorkspace } from './workspace.js';
import { isConnected, onConnectionChange } from '../connection.js';

/**
 * @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} DotNetRef
 * @typedef {'saved' | 'saving' | 'offline' | 'signed-out'} SaveState
 */

const win = /** @type {any} */ (window);

/** @param {number} n */
const changes = (n) => (n === 1 ? '1 change' : `${n} changes`);

/**
 * @param {HTMLElement} host the element the canvases go into
 * @param {HTMLElement | null} status the save indicator (its text and data-state are managed here)
 * @param {DotNetRef} dotNetRef the Razor component
 * @param {string} optionsJson options of createWorkspace, as JSON
 */
export function open(host, status, dotNetRef, optionsJson) {
  const options = JSON.parse(optionsJson);
  /** @type {ReturnType<typeof createWorkspace> | null} */
  let workspace = null;

  const render = () => {
    if (!status || !workspace) return;
    const { pending, connected, signedOut } = workspace.sync();
    /** @type {SaveState} */
    const state = signedOut ? 'signed-out' : !connected ? 'offline' : pending > 0 ? 'saving' : 'saved';
    status.dataset.state = state;
    status.dataset.pending = String(pending);
    status.textContent = state === 'signed-out'
      ? `Signed out: ${changes(pending)} waiting`
      : state === 'offline'
        ? pending ? `Offline: ${changes(pending)} kept here` : 'Offline'
        : state === 'saving' ? 'Saving…' : 'All changes saved';
    status.title = state === 'signed-out'
      ? 'Your session ended. Sign in again (in another tab), then reload this page: the waiting changes are sent then.'
      : state === 'offline'
        ? 'The connection to the server is lost. Keep working: your changes are kept in this browser and sent, in order, when it is back.'
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
    stopListening();
    window.removeEventListener('beforeunload', beforeUnload);
    win.annotatorPendingEdits = undefined;
    dispose();
  };
  return workspace;
}

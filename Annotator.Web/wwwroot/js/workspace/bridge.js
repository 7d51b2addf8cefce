// @ts-check
/**
 * The Razor workspace's entry point into the canvas engine: creates the workspace from the options .NET sends as
 * JSON, and keeps the save indicator honest. Every operation the canvas sends goes through `Submit`; while any is on
 * its way the indicator says "Saving…", when the circuit or the network is gone it says "Offline", otherwise "Saved".
 */
import { createWorkspace } from './workspace.js';

/**
 * @typedef {{ invokeMethodAsync: (name: string, ...args: any[]) => Promise<any> }} DotNetRef
 * @typedef {'saved' | 'saving' | 'offline'} SaveState
 */

/**
 * @param {HTMLElement} host the element the canvases go into
 * @param {HTMLElement | null} status the save indicator (its text and data-state are managed here)
 * @param {DotNetRef} dotNetRef the Razor component
 * @param {string} optionsJson options of createWorkspace, as JSON
 */
export function open(host, status, dotNetRef, optionsJson) {
  let pending = 0;
  let disconnected = false;

  const render = () => {
    if (!status) return;
    /** @type {SaveState} */
    const state = disconnected || !navigator.onLine ? 'offline' : pending > 0 ? 'saving' : 'saved';
    status.dataset.state = state;
    status.textContent = state === 'offline'
      ? 'Offline: edits are not being saved'
      : state === 'saving' ? 'Saving…' : 'All changes saved';
    status.title = state === 'offline'
      ? 'The connection to the server is lost. It reconnects by itself; edits made now may not be saved.'
      : state === 'saving' ? 'Your last change is on its way to the server.' : 'Every change is stored on the server.';
  };

  /** @type {DotNetRef} */
  const tracked = {
    async invokeMethodAsync(name, ...args) {
      const counts = name === 'Submit' || name === 'Undo' || name === 'Redo';
      if (counts) { pending++; render(); }
      try {
        const result = await dotNetRef.invokeMethodAsync(name, ...args);
        disconnected = false;
        return result;
      } catch (e) {
        // A call that cannot reach .NET means the circuit is gone (or going).
        disconnected = true;
        throw e;
      } finally {
        if (counts) { pending--; }
        render();
      }
    },
  };

  // Blazor shows its reconnect dialog (#components-reconnect-modal) while the circuit is down and hides it once the
  // circuit is back: whether it is showing is the state of the connection.
  const reconnect = new MutationObserver(() => {
    const modal = document.getElementById('components-reconnect-modal');
    const style = modal ? getComputedStyle(modal) : null;
    const showing = !!style && style.display !== 'none' && style.visibility !== 'hidden';
    if (showing !== disconnected) { disconnected = showing; render(); }
  });
  reconnect.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style', 'open'] });
  window.addEventListener('online', render);
  window.addEventListener('offline', render);
  render();

  const workspace = createWorkspace(host, tracked, JSON.parse(optionsJson));
  // The interop channel itself, reachable as window.annotatorWorkspace.dotNet: scripts (and the tests of the server's
  // validation) can send operations exactly as the canvas does. Nothing here is trusted: the server checks every one.
  Object.defineProperty(workspace, 'dotNet', { value: tracked, enumerable: false });
  const dispose = workspace.dispose.bind(workspace);
  workspace.dispose = () => {
    reconnect.disconnect();
    window.removeEventListener('online', render);
    window.removeEventListener('offline', render);
    dispose();
  };
  return workspace;
}

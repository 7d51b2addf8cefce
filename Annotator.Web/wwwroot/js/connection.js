// @ts-check
/**
 * Whether this tab can talk to the server right now: Blazor's circuit is connected (its reconnect states, reported on
 * #components-reconnect-modal) and the browser is online. Modules that send edits listen here, hold their queue while
 * the connection is down and catch up when it is back.
 */

/** @typedef {'show'|'hide'|'retrying'|'failed'|'rejected'|'paused'|'resume-failed'} ReconnectState */

let circuitUp = true;
/** @type {Set<(up: boolean) => void>} */
const listeners = new Set();
let last = isConnected();

/** The connection is up. */
export function isConnected() {
    return circuitUp && navigator.onLine;
}

/**
 * Calls back with the new state whenever it changes; returns the unsubscribe function.
 * @param {(up: boolean) => void} listener
 */
export function onConnectionChange(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
}

function publish() {
    const now = isConnected();
    if (now === last) return;
    last = now;
    for (const l of [...listeners]) {
        try { l(now); } catch (e) { console.error(e); }
    }
}

/** @param {ReconnectState} state */
export function circuitStateChanged(state) {
    circuitUp = state === 'hide';
    publish();
}

const modal = document.getElementById('components-reconnect-modal');
modal?.addEventListener('components-reconnect-state-changed', (e) => {
    circuitStateChanged(/** @type {CustomEvent} */ (e).detail?.state ?? 'show');
});
window.addEventListener('online', publish);
window.addEventListener('offline', publish);

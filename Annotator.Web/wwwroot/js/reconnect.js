// @ts-check
/**
 * The reconnect banner: says what is happening to the connection and whether the user's edits are safe, retries on
 * its own (also after a laptop wakes up) and reloads the page when the server no longer knows this tab's session
 * (a restart, or longer away than the circuit retention): unsent edits live in this tab's session storage and are
 * sent again after the reload.
 */
import './connection.js'; // it follows the same events for the modules that send edits

const RETRY_EVERY_MS = 5000;
const MAX_RETRIES = 720; // an hour of trying, then it waits for the user (or for the tab to become visible)

const banner = /** @type {HTMLDialogElement|null} */ (document.getElementById('components-reconnect-modal'));
const title = document.getElementById('components-reconnect-title');
const safety = document.getElementById('components-reconnect-safety');
const button = document.getElementById('components-reconnect-button');
const blazor = /** @type {any} */ (window).Blazor;
const win = /** @type {any} */ (window);

/** @type {number|undefined} */
let retryTimer;
/** @type {number|undefined} */
let refreshTimer;
let retries = 0;

/** The app is about to leave the page on purpose (sign-in after the session ended): no "leave page?" prompt. */
win.annotatorAllowLeave = () => { win.annotatorReloading = true; };

/** What the open workspace (if any) still has to send. */
function safetyText() {
    /** @type {{pending: number} | undefined} */
    const edits = win.annotatorPendingEdits?.();
    if (!edits) return 'Nothing you changed is waiting to be saved.';
    if (edits.pending === 0) return 'Your edits are safe: all were saved before it dropped.';
    const n = edits.pending === 1 ? '1 change' : `${edits.pending} changes`;
    return `Your edits are safe: ${n} kept in this browser, sent once it is back.`;
}

/**
 * Marks the page as cut off from the server (or not) while the circuit is down: server-rendered parts that cannot
 * re-render meanwhile, such as the workspace's side panel, dim and say so (css/workspace.css) instead of showing
 * stale counts and labels as if they were current.
 * @param {boolean} down
 */
function markDisconnected(down) {
    document.documentElement.toggleAttribute('data-disconnected', down);
}

/** @param {string} state @param {string} text */
function show(state, text) {
    markDisconnected(true);
    if (!banner) return;
    banner.dataset.state = state;
    if (title) title.textContent = text;
    if (safety) safety.textContent = safetyText();
    if (!banner.open) banner.show();
    clearInterval(refreshTimer);
    refreshTimer = window.setInterval(() => { if (safety && banner.open) safety.textContent = safetyText(); }, 1000);
}

function hide() {
    clearInterval(refreshTimer);
    clearTimeout(retryTimer);
    retries = 0;
    markDisconnected(false);
    if (!banner) return;
    banner.dataset.state = 'hide';
    if (banner.open) banner.close();
}

async function retry() {
    clearTimeout(retryTimer);
    try {
        const ok = await (blazor?.reconnect?.() ?? Promise.resolve(false));
        if (!ok) reload();
    } catch {
        if (++retries < MAX_RETRIES) retryTimer = window.setTimeout(retry, RETRY_EVERY_MS);
    }
}

function reload() {
    show('rejected', 'The server no longer has this session (it restarted, or you were away a while). Reloading…');
    win.annotatorReloading = true; // the workspace's unsent edits are in session storage: no "leave page?" prompt
    window.setTimeout(() => location.reload(), 400);
}

banner?.addEventListener('components-reconnect-state-changed', (e) => {
    const state = /** @type {CustomEvent} */ (e).detail?.state;
    switch (state) {
        case 'show':
            show('show', 'Connection lost, reconnecting…');
            break;
        case 'retrying':
            show('retrying', 'Connection lost, reconnecting…');
            break;
        case 'failed':
            show('failed', "Can't reach the server. Trying again every few seconds…");
            retryTimer = window.setTimeout(retry, RETRY_EVERY_MS);
            break;
        case 'paused':
            show('paused', 'The connection is paused.');
            break;
        case 'resume-failed':
        case 'rejected':
            reload();
            break;
        default:
            hide();
    }
});
button?.addEventListener('click', () => { retries = 0; retry(); });
document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && banner?.dataset.state === 'failed') { retries = 0; retry(); }
});

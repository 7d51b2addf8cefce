// @ts-check
/** Short notices shown at the bottom of the canvas host (errors and hints); each fades after a few seconds. */

const SHOW_MS = 4000;
/** a notice with an action (Restore) stays long enough to act on */
const ACTION_MS = 12000;
const MAX_SHOWN = 3;

/**
 * @param {HTMLElement} host
 * @returns {{show: (message: string, error?: boolean, action?: {label: string, run: () => void}) => void, dispose: () => void}}
 */
export function createToasts(host) {
    const box = document.createElement('div');
    box.className = 'ws-toasts';
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    host.appendChild(box);
    /** @type {Set<number>} */
    const timers = new Set();
    return {
        show(message, error = false, action = undefined) {
            if (!action && box.lastElementChild?.textContent === message) return;
            const el = document.createElement('div');
            el.className = error ? 'ws-toast ws-toast-error' : 'ws-toast';
            el.textContent = message;
            if (action) {
                const button = document.createElement('button');
                button.type = 'button';
                button.className = 'ws-toast-action';
                button.textContent = action.label;
                button.addEventListener('click', () => {
                    el.remove();
                    action.run();
                }, { once: true });
                el.appendChild(button);
            }
            box.appendChild(el);
            while (box.childElementCount > MAX_SHOWN) box.firstElementChild?.remove();
            const t = window.setTimeout(() => {
                timers.delete(t);
                el.remove();
            }, action ? ACTION_MS : SHOW_MS);
            timers.add(t);
        },
        dispose() {
            for (const t of timers) clearTimeout(t);
            box.remove();
        },
    };
}

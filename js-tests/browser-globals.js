/**
 * The two browser globals the pure workspace modules touch: `window.setTimeout` and `sessionStorage`. Node has
 * setTimeout on globalThis, so `window` is globalThis; session storage is a plain in-memory Storage.
 */
class MemoryStorage {
    /** @type {Map<string, string>} */
    #items = new Map();
    /** @param {string} key */
    getItem(key) { return this.#items.has(key) ? /** @type {string} */ (this.#items.get(key)) : null; }
    /** @param {string} key @param {string} value */
    setItem(key, value) { this.#items.set(key, String(value)); }
    /** @param {string} key */
    removeItem(key) { this.#items.delete(key); }
    clear() { this.#items.clear(); }
}

const g = /** @type {any} */ (globalThis);
g.window ??= globalThis;
g.sessionStorage ??= new MemoryStorage();

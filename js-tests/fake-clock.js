/**
 * A hand-driven clock for the global setTimeout / clearTimeout (which `window.setTimeout` also is here), so a test
 * moves time on with tick() instead of waiting. Written out rather than node's mock.timers, which Debian's Node.js 18
 * (what .ci/run installs on a machine without Node) does not have.
 */
export class FakeClock {
    now = 0;
    #nextId = 1;
    /** @type {Map<number, {at: number, run: () => void}>} */
    #timers = new Map();
    #saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

    /** Replaces the globals until restore(). */
    install() {
        const g = /** @type {any} */ (globalThis);
        g.setTimeout = (/** @type {(...a: any[]) => void} */ fn, /** @type {number} */ ms = 0, /** @type {any[]} */ ...args) => {
            const id = this.#nextId++;
            this.#timers.set(id, { at: this.now + Math.max(0, ms), run: () => fn(...args) });
            return id;
        };
        g.clearTimeout = (/** @type {number|undefined} */ id) => { if (id !== undefined) this.#timers.delete(id); };
        return this;
    }

    restore() {
        Object.assign(globalThis, this.#saved);
    }

    /** Moves time on by ms, running the timers that fall due, earliest first. @param {number} ms */
    tick(ms) {
        const end = this.now + ms;
        for (;;) {
            let due = null;
            for (const [id, t] of this.#timers) if (t.at <= end && (!due || t.at < due[1].at)) due = [id, t];
            if (!due) break;
            this.#timers.delete(/** @type {number} */ (due[0]));
            this.now = due[1].at;
            due[1].run();
        }
        this.now = end;
    }
}

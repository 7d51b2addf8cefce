// @ts-check
/**
 * Optimistic, live, offline-tolerant editing over a single in-order submit queue.
 *
 * - The displayed state of a region is its committed (server-confirmed) state with this tab's still-pending operations
 *   applied in order, so a refusal rolls back exactly that operation and later edits survive.
 * - Committed operations arrive from three places — the answers to our own sends, the live feed (everyone's edits) and
 *   catch-ups — and all go through `receive`, which applies them in the set's sequence order: each message names the
 *   previous sequence number of its set (`prev`); one whose predecessor we have not seen waits while the gap is filled
 *   from the server (`CatchUp`), or the image is loaded again (`Snapshot`) when the server no longer has that range.
 * - Each operation carries the revision its author saw (`baseRevision`): the revision shown when the gesture was made,
 *   or, for a second edit of a region whose first edit was still on its way, the revision that first edit produced.
 *   The server merges a stale update whose fields nobody else changed and refuses the rest with the current state.
 * - While the connection is down nothing is sent: operations wait in the queue and in this tab's session storage (so a
 *   reload keeps them) and go out in order once the connection is back, after a catch-up. A send whose answer was lost
 *   is sent again; its operation id makes the server apply it once.
 * - When the server answers that its storage is full, the operation was not saved and is kept exactly as while offline
 *   (first in the queue, in session storage), and sent again after a back-off (2 s, doubling, at most a minute) until
 *   space is freed.
 */

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./region-store.js').RegionStore} RegionStore */
/** @typedef {import('./protocol.js').OpResult} OpResult */
/**
 * @typedef {{opId:string, type:'create'|'update'|'delete', group?:string, region?:Region, regionId?:string,
 *   baseRevision?:number, set?:Object<string, any>}} Operation
 * @typedef {{ invokeMethodAsync(name: string, ...args: any[]): Promise<any> }} DotNetRef
 * @typedef {{op: Operation, id: string, seen: number, after: Pending|null, ackRevision?: number}} Pending
 * @typedef {{pending: Pending}|{call: string}} OutboxItem
 * @typedef {{
 *   changed: (ids: string[]) => void,
 *   error: (message: string) => void,
 *   conflict?: (result: OpResult, intended: Region|null) => void,
 *   remoteDeleted?: (region: Region, result: OpResult) => void,
 *   answered?: (result: OpResult) => void,
 *   stateChanged?: () => void,
 * }} QueueHooks
 */

const CATCH_UP_DELAY_MS = 250;
const RETRY_DELAY_MS = 1000;
const MAX_FAILED_SENDS = 5;
const FULL_RETRY_FIRST_MS = 2000;
const FULL_RETRY_MAX_MS = 60000;

/**
 * The operation as the protocol has it: a created region carries no revision (the server assigns it).
 * @param {Operation} op
 */
const toWire = (op) => {
    if (op.type !== 'create' || !op.region) return op;
    const { revision: _ignored, ...region } = op.region;
    return { ...op, region };
};

/** @param {Operation} op @returns {string} */
const targetOf = (op) => /** @type {string} */ (op.type === 'create' ? op.region?.id : op.regionId);

/** @param {Region|null} r @param {Operation} op @returns {Region|null} */
function applyOp(r, op) {
    if (op.type === 'create') return { .../** @type {Region} */ (op.region), revision: r?.revision ?? 0 };
    if (op.type === 'update') return r ? { ...r, ...op.set } : null;
    return null;
}

/** @param {unknown} raw @returns {any} */
const parse = (raw) => (typeof raw === 'string' && raw ? JSON.parse(raw) : raw);

const DOWN = Symbol('connection down');

export class SubmitQueue {
    /**
     * @param {RegionStore} store displayed regions, kept up to date by this queue
     * @param {DotNetRef} dotNet
     * @param {QueueHooks} hooks
     * @param {{storageKey?: string, lastSequence?: number, connected?: boolean}} [options]
     */
    constructor(store, dotNet, hooks, options = {}) {
        this.store = store;
        this.dotNet = dotNet;
        this.hooks = hooks;
        this.storageKey = options.storageKey ?? null;
        /** @type {Map<string, Region>} server-confirmed state */
        this.committed = new Map();
        /** @type {Map<string, number>} sequence of the delete that removed a region */
        this.deleted = new Map();
        /** @type {Pending[]} local operations not confirmed yet, oldest first (the first may be in flight) */
        this.pending = [];
        /** @type {OutboxItem[]} */
        this.outbox = [];
        /** @type {Set<string>} ids of the operations this tab sent: the feed's copies of them are not someone else's */
        this.ownOps = new Set();
        /** the newest sequence number of the set applied here, with nothing missing before it */
        this.lastSequence = options.lastSequence ?? 0;
        /** @type {Map<number, OpResult>} messages that arrived before their predecessor */
        this.early = new Map();
        this.connected = options.connected ?? true;
        /** the server said the session is over: hold everything until the page is loaded again */
        this.signedOut = false;
        /** the server's storage is full: the first operation waits to be sent again (fullRetryTimer) */
        this.storageFull = false;
        this.fullRetryMs = FULL_RETRY_FIRST_MS;
        /** @type {number|undefined} */
        this.fullRetryTimer = undefined;
        this.busy = false;
        this.disposed = false;
        this.catchingUp = false;
        /** @type {number|undefined} */
        this.catchUpTimer = undefined;
        /** @type {(v: typeof DOWN) => void} */
        this.signalDown = () => {};
        /** @type {Promise<typeof DOWN>} */
        this.down = this.#newDownSignal();
    }

    /** Operations made here and not confirmed yet (for the save indicator and the reconnect banner). */
    get pendingCount() {
        return this.pending.length;
    }

    /** Replaces all state (initial load). @param {Region[]} regions @param {number} [lastSequence] */
    load(regions, lastSequence) {
        this.committed = new Map(regions.map((r) => [r.id, r]));
        this.deleted.clear();
        this.early.clear();
        this.pending = [];
        this.outbox = [];
        if (lastSequence !== undefined) this.lastSequence = lastSequence;
        this.store.load(regions);
        this.hooks.stateChanged?.(); // not persisted: the stored operations are restored after this (restoreStored)
    }

    /**
     * Replaces the confirmed state (a reload after falling too far behind) and keeps this tab's pending operations on
     * top of it. @param {Region[]} regions @param {number} lastSequence
     */
    reset(regions, lastSequence) {
        const ids = new Set([...this.committed.keys(), ...regions.map((r) => r.id), ...this.pending.map((p) => p.id)]);
        this.committed = new Map(regions.map((r) => [r.id, r]));
        this.deleted.clear();
        this.early.clear();
        this.lastSequence = lastSequence;
        this.#refresh(ids);
    }

    /**
     * Applies operations optimistically and queues them for the server, in order.
     * @param {Operation[]} ops
     */
    submit(ops) {
        const ids = new Set();
        for (const op of ops) this.#enqueue(op, null, false);
        for (const op of ops) ids.add(targetOf(op));
        this.#persist();
        this.#refresh(ids);
        this.#pump();
    }

    /**
     * Sends again what this tab had not got confirmed when it was last closed or reloaded (kept in session storage).
     * Call after load. Returns how many operations were restored.
     */
    restoreStored() {
        if (!this.storageKey) return 0;
        /** @type {{op: Operation, seen: number, chained: boolean}[]} */
        let stored = [];
        try {
            stored = JSON.parse(sessionStorage.getItem(this.storageKey) ?? '[]');
        } catch {
            stored = [];
        }
        if (!Array.isArray(stored) || !stored.length) return 0;
        const ids = new Set();
        for (const s of stored) {
            if (!s?.op?.opId) continue;
            this.#enqueue(s.op, s.seen ?? 0, !!s.chained);
            ids.add(targetOf(s.op));
        }
        this.#persist();
        this.#refresh(ids);
        this.#pump();
        return ids.size;
    }

    /**
     * Checks once, shortly after opening, that nothing was committed between the server reading the state this canvas
     * started from and the canvas being ready to receive the feed (a cheap call when nothing was).
     */
    catchUpSoon() {
        window.setTimeout(() => this.#catchUpNow(), CATCH_UP_DELAY_MS);
    }

    /** Queues a server-side history command. @param {'Undo'|'Redo'} name */
    call(name) {
        this.outbox.push({ call: name });
        this.#pump();
    }

    /** The connection went down or came back. @param {boolean} up */
    setConnected(up) {
        if (up === this.connected) return;
        this.connected = up;
        if (!up) {
            this.signalDown(DOWN);
            this.down = this.#newDownSignal();
        } else {
            this.#catchUpNow().finally(() => this.#pump());
        }
        this.hooks.stateChanged?.();
    }

    /**
     * A committed operation (own or someone else's, from an answer, the feed or a catch-up), applied in sequence order;
     * idempotent.
     * @param {OpResult} result
     */
    receive(result) {
        if (!result || result.ok === false || this.disposed) return;
        const seq = result.sequence ?? 0;
        const prev = result.prev ?? 0;
        if (seq && seq <= this.lastSequence) {
            this.#applyState(result); // already counted; the state may still be newer than ours (idempotent)
            return;
        }
        if (seq && prev > this.lastSequence) {
            this.early.set(seq, result);
            this.#scheduleCatchUp();
            return;
        }
        this.#applyState(result);
        if (seq) this.lastSequence = seq;
        this.#drainEarly();
    }

    /**
     * Applies a committed state to one region or answer, ignoring anything older than what is held; no ordering.
     * @param {OpResult} result
     */
    #applyState(result) {
        if (!result || result.ok === false) return;
        if (result.type === 'answer') {
            this.hooks.answered?.(result);
            return;
        }
        const region = result.region ?? null;
        const id = region?.id ?? result.regionId;
        if (!id) return;
        const seq = result.sequence ?? 0;
        const deletedAt = this.deleted.get(id);
        if (deletedAt !== undefined && seq && seq <= deletedAt) return;
        const remote = !!result.opId && !this.ownOps.has(result.opId);
        if (result.type === 'delete' || !region) {
            const held = this.committed.get(id);
            if (!held && deletedAt !== undefined) return;
            if (held && result.revision && result.revision < held.revision) return;
            const shown = this.store.get(id);
            this.committed.delete(id);
            this.deleted.set(id, seq);
            if (remote && shown) this.hooks.remoteDeleted?.(shown, result);
        } else {
            const held = this.committed.get(id);
            if (held && region.revision <= held.revision) return;
            this.deleted.delete(id);
            const shown = this.store.get(id);
            // keep the displayed geometry object when unchanged, so decoded masks and bounds are reused
            const same = shown && shown.geometry !== region.geometry && JSON.stringify(shown.geometry) === JSON.stringify(region.geometry);
            this.committed.set(id, same && shown ? { ...region, geometry: shown.geometry } : region);
        }
        this.#refresh([id]);
    }

    /**
     * Rolls back a refused operation. currentRegion, when given, is the server's state of that region.
     * @param {string} opId @param {Region|null} currentRegion
     */
    rejectLocal(opId, currentRegion) {
        const i = this.pending.findIndex((p) => p.op.opId === opId);
        const id = i >= 0 ? this.pending[i].id : currentRegion?.id;
        if (i >= 0) this.pending.splice(i, 1);
        if (currentRegion) {
            this.committed.set(currentRegion.id, currentRegion);
            this.deleted.delete(currentRegion.id);
        }
        this.#persist();
        if (id) this.#refresh([id]);
    }

    dispose() {
        this.disposed = true;
        this.outbox = [];
        clearTimeout(this.catchUpTimer);
        clearTimeout(this.fullRetryTimer);
        this.signalDown(DOWN);
    }

    /** @param {Operation} op @param {number|null} seen @param {boolean} chained */
    #enqueue(op, seen, chained) {
        const id = targetOf(op);
        /** @type {Pending|null} */
        let after = null;
        for (let i = this.pending.length - 1; i >= 0; i--) {
            if (this.pending[i].id === id) { after = this.pending[i]; break; }
        }
        if (seen === null) seen = this.committed.get(id)?.revision ?? op.baseRevision ?? 0;
        else if (!chained) after = null;
        /** @type {Pending} */
        const p = { op, id, seen, after };
        this.pending.push(p);
        this.outbox.push({ pending: p });
        this.ownOps.add(op.opId);
    }

    #newDownSignal() {
        return new Promise((resolve) => { this.signalDown = resolve; });
    }

    /** Keeps the unconfirmed operations in this tab's session storage (survives a reload, not closing the tab). */
    #persist() {
        this.hooks.stateChanged?.();
        if (!this.storageKey) return;
        try {
            if (!this.pending.length) sessionStorage.removeItem(this.storageKey);
            else sessionStorage.setItem(this.storageKey, JSON.stringify(this.pending.map((p) => ({
                op: toWire(p.op), seen: p.seen, chained: !!p.after,
            }))));
        } catch {
            // storage full or unavailable: the queue in memory still holds them
        }
    }

    /** Recomputes the displayed state of regions. @param {Iterable<string>} ids */
    #refresh(ids) {
        const list = [...ids];
        for (const id of list) {
            /** @type {Region|null} */
            let r = this.committed.get(id) ?? null;
            for (const p of this.pending) if (p.id === id) r = applyOp(r, p.op);
            if (r) this.store.put(r);
            else this.store.remove(id);
        }
        this.hooks.changed(list);
    }

    #drainEarly() {
        while (this.early.size) {
            const next = [...this.early.values()].filter((m) => (m.prev ?? 0) <= this.lastSequence)
                .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0))[0];
            if (!next) {
                for (const [seq] of this.early) if (seq <= this.lastSequence) this.early.delete(seq);
                if (this.early.size) this.#scheduleCatchUp();
                return;
            }
            this.early.delete(next.sequence ?? 0);
            this.receive(next);
        }
    }

    #scheduleCatchUp() {
        if (this.catchUpTimer !== undefined || this.disposed) return;
        // the missing message is often just behind (answers and the feed travel separately): give it a moment
        this.catchUpTimer = window.setTimeout(() => {
            this.catchUpTimer = undefined;
            if (this.early.size) this.#catchUpNow();
        }, CATCH_UP_DELAY_MS);
    }

    /** Asks the server for everything after lastSequence (or the whole state when it no longer has that range). */
    async #catchUpNow() {
        if (this.catchingUp || this.disposed || !this.connected) return;
        this.catchingUp = true;
        try {
            const answer = parse(await this.#invoke('CatchUp', this.lastSequence));
            if (answer === DOWN || !answer) return;
            if (answer.reload) {
                const snapshot = parse(await this.#invoke('Snapshot'));
                if (snapshot === DOWN || !snapshot) return;
                this.reset(snapshot.regions ?? [], snapshot.lastSequence ?? 0);
                for (const r of /** @type {OpResult[]} */ (snapshot.answers ?? [])) this.hooks.answered?.(r);
            } else {
                for (const m of /** @type {OpResult[]} */ (answer.messages ?? [])) {
                    this.#applyState(m);
                    this.lastSequence = Math.max(this.lastSequence, m.sequence ?? 0);
                }
                this.lastSequence = Math.max(this.lastSequence, answer.lastSequence ?? 0);
            }
            this.#drainEarly();
        } catch (e) {
            this.hooks.error(`Could not catch up with the others' edits: ${e instanceof Error ? e.message : e}`);
        } finally {
            this.catchingUp = false;
        }
    }

    /**
     * Calls .NET unless the connection is or goes down first (then DOWN: the answer, if any, is lost; whatever was
     * sent is sent again later and applied once).
     * @param {string} name @param {...any} args
     */
    async #invoke(name, ...args) {
        if (!this.connected) return DOWN;
        return Promise.race([this.dotNet.invokeMethodAsync(name, ...args), this.down]);
    }

    async #pump() {
        if (this.busy) return;
        this.busy = true;
        let failures = 0;
        try {
            while (this.outbox.length && !this.disposed && this.connected && !this.signedOut) {
                const item = this.outbox[0];
                let sent;
                try {
                    sent = 'call' in item ? await this.#sendCall(item.call) : await this.#sendOp(item.pending);
                } catch (e) {
                    // not an answer from the server: a transport failure (or a bug). Try again a few times.
                    if (++failures >= MAX_FAILED_SENDS) {
                        this.outbox.shift();
                        if ('pending' in item) this.#drop(item.pending);
                        this.hooks.error(`Could not save: ${e instanceof Error ? e.message : e}`);
                        failures = 0;
                    } else {
                        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
                    }
                    continue;
                }
                if (sent === DOWN && 'pending' in item) break; // stays first; sent again when the connection is back
                // An undo or redo is not repeated: if its answer was lost, the catch-up shows what it did.
                failures = 0;
                this.outbox.shift();
                if (sent === DOWN) break;
            }
        } finally {
            this.busy = false;
            this.hooks.stateChanged?.();
        }
    }

    /** @param {Pending} p */
    #drop(p) {
        const i = this.pending.indexOf(p);
        if (i >= 0) this.pending.splice(i, 1);
        this.#persist();
        this.#refresh([p.id]);
    }

    /** @param {Pending} p @returns {Promise<typeof DOWN|void>} */
    async #sendOp(p) {
        if (!this.pending.includes(p)) return; // rolled back already
        const op = p.op;
        if (op.type !== 'create') {
            // What the author saw: the revision shown at the gesture, or what their own previous edit of it produced.
            op.baseRevision = p.after ? (p.after.ackRevision ?? p.after.op.baseRevision ?? p.seen) : p.seen;
        }
        const raw = await this.#invoke('Submit', JSON.stringify(toWire(op)));
        if (raw === DOWN) return DOWN;
        /** @type {OpResult} */
        const result = parse(raw) ?? { ok: false, error: 'The server sent no answer.' };
        if (this.disposed) return;
        if (result.signedOut) {
            // Not refused for what it is: the session ended. Keep it (and everything after it) for after sign-in.
            this.signedOut = true;
            this.hooks.error(result.error ?? 'Your session has ended.');
            this.hooks.stateChanged?.();
            return DOWN;
        }
        if (result.storageFull) {
            // Not refused for what it is: the server could not store anything. Keep it (and everything after it) as
            // while offline, and send it again a little later.
            this.storageFull = true;
            this.#retryWhenSpace();
            this.hooks.stateChanged?.();
            return DOWN;
        }
        if (this.storageFull) {
            this.storageFull = false;
            this.fullRetryMs = FULL_RETRY_FIRST_MS;
            clearTimeout(this.fullRetryTimer);
            this.fullRetryTimer = undefined;
        }
        const intended = this.store.get(p.id) ?? null;
        const i = this.pending.indexOf(p);
        if (i >= 0) this.pending.splice(i, 1);
        this.#persist();
        if (result.ok) {
            p.ackRevision = result.revision;
            this.receive({ ...result, type: result.type ?? op.type, regionId: result.regionId ?? p.id });
            this.#refresh([p.id]);
        } else if (result.conflict) {
            // Someone else's change won: show theirs, and tell the author what happened to theirs.
            if (result.conflict === 'deleted' || !result.region) {
                this.committed.delete(p.id);
            } else {
                const held = this.committed.get(p.id);
                if (!held || result.region.revision > held.revision) this.committed.set(p.id, result.region);
            }
            this.#refresh([p.id]);
            if (this.hooks.conflict) this.hooks.conflict(result, intended);
            else this.hooks.error(result.error ?? 'Someone else changed this region.');
        } else {
            this.#refresh([p.id]);
            this.hooks.error(result.error ?? 'The change was refused.');
        }
    }

    /** Sends the waiting operations again after the current back-off, which doubles each time (up to a minute). */
    #retryWhenSpace() {
        if (this.fullRetryTimer !== undefined || this.disposed) return;
        this.fullRetryTimer = window.setTimeout(() => {
            this.fullRetryTimer = undefined;
            this.#pump();
        }, this.fullRetryMs);
        this.fullRetryMs = Math.min(this.fullRetryMs * 2, FULL_RETRY_MAX_MS);
    }

    /** @param {string} name @returns {Promise<typeof DOWN|void>} */
    async #sendCall(name) {
        const raw = await this.#invoke(name);
        if (raw === DOWN) return DOWN;
        const parsed = parse(raw);
        const results = Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? [parsed] : [];
        for (const r of results) {
            if (r.ok === false && r.error) this.hooks.error(r.error);
            else {
                if (r.opId) this.ownOps.add(r.opId);
                this.receive(r);
            }
        }
    }
}

// @ts-check
/**
 * Optimistic editing over a single in-order submit queue. The displayed state of a region is its committed
 * (server-confirmed) state with the still-pending local operations applied in order, so a refusal rolls back exactly
 * that operation and later edits survive. Operations go to .NET one at a time; `baseRevision` is filled at send time
 * from the newest committed revision. Undo/Redo calls travel through the same queue.
 */

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {import('./region-store.js').RegionStore} RegionStore */
/**
 * @typedef {{opId:string, type:'create'|'update'|'delete', group?:string, region?:Region, regionId?:string,
 *   baseRevision?:number, set?:Object<string, any>}} Operation
 * @typedef {{ok:boolean, error?:string, opId?:string, sequence?:number, type?:string, region?:Region|null,
 *   regionId?:string}} OpResult
 * @typedef {{ invokeMethodAsync(name: string, ...args: any[]): Promise<any> }} DotNetRef
 * @typedef {{op: Operation, id: string}} Pending
 */

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

export class SubmitQueue {
    /**
     * @param {RegionStore} store displayed regions, kept up to date by this queue
     * @param {DotNetRef} dotNet
     * @param {{changed: (ids: string[]) => void, error: (message: string) => void}} hooks
     */
    constructor(store, dotNet, hooks) {
        this.store = store;
        this.dotNet = dotNet;
        this.hooks = hooks;
        /** @type {Map<string, Region>} server-confirmed state */
        this.committed = new Map();
        /** @type {Map<string, number>} sequence of the delete that removed a region */
        this.deleted = new Map();
        /** @type {Pending[]} local operations not confirmed yet, oldest first (the first may be in flight) */
        this.pending = [];
        /** @type {({op: Operation}|{call: string})[]} */
        this.outbox = [];
        this.busy = false;
        this.disposed = false;
    }

    /** Replaces all state (initial load, reload). @param {Region[]} regions */
    load(regions) {
        this.committed = new Map(regions.map((r) => [r.id, r]));
        this.deleted.clear();
        this.pending = [];
        this.outbox = [];
        this.store.load(regions);
    }

    /**
     * Applies operations optimistically and queues them for the server, in order.
     * @param {Operation[]} ops
     */
    submit(ops) {
        const ids = new Set();
        for (const op of ops) {
            const id = targetOf(op);
            this.pending.push({ op, id });
            this.outbox.push({ op });
            ids.add(id);
        }
        this.#refresh(ids);
        this.#pump();
    }

    /** Queues a server-side history command. @param {'Undo'|'Redo'} name */
    call(name) {
        this.outbox.push({ call: name });
        this.#pump();
    }

    /**
     * A committed operation (own or someone else's); idempotent.
     * @param {OpResult} result
     */
    applyCommitted(result) {
        if (!result || result.ok === false) return;
        const region = result.region ?? null;
        const id = region?.id ?? result.regionId;
        if (!id) return;
        const seq = result.sequence ?? 0;
        const deletedAt = this.deleted.get(id);
        if (deletedAt !== undefined && seq && seq <= deletedAt) return;
        if (result.type === 'delete' || !region) {
            if (!this.committed.has(id) && deletedAt !== undefined) return;
            this.committed.delete(id);
            this.deleted.set(id, seq);
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
        if (id) this.#refresh([id]);
    }

    dispose() {
        this.disposed = true;
        this.outbox = [];
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

    async #pump() {
        if (this.busy) return;
        this.busy = true;
        try {
            while (this.outbox.length && !this.disposed) {
                const item = /** @type {({op: Operation}|{call: string})} */ (this.outbox.shift());
                if ('call' in item) await this.#sendCall(item.call);
                else await this.#sendOp(item.op);
            }
        } finally {
            this.busy = false;
        }
    }

    /** @param {Operation} op */
    async #sendOp(op) {
        if (!this.pending.some((p) => p.op === op)) return; // rolled back already
        const id = targetOf(op);
        if (op.type !== 'create') op.baseRevision = this.committed.get(id)?.revision ?? op.baseRevision ?? 0;
        /** @type {OpResult} */
        let result;
        try {
            const raw = await this.dotNet.invokeMethodAsync('Submit', JSON.stringify(toWire(op)));
            result = typeof raw === 'string' ? JSON.parse(raw) : raw;
        } catch (e) {
            result = { ok: false, error: `Could not save: ${e instanceof Error ? e.message : e}` };
        }
        if (this.disposed) return;
        const i = this.pending.findIndex((p) => p.op === op);
        if (i >= 0) this.pending.splice(i, 1);
        if (result?.ok) {
            this.applyCommitted({ ...result, type: result.type ?? op.type, regionId: result.regionId ?? id });
            this.#refresh([id]);
        } else {
            this.#refresh([id]);
            this.hooks.error(result?.error ?? 'The change was refused.');
        }
    }

    /** @param {string} name */
    async #sendCall(name) {
        try {
            const raw = await this.dotNet.invokeMethodAsync(name);
            const parsed = typeof raw === 'string' && raw ? JSON.parse(raw) : raw;
            const results = Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? [parsed] : [];
            for (const r of results) {
                if (r.ok === false && r.error) this.hooks.error(r.error);
                else this.applyCommitted(r);
            }
        } catch (e) {
            this.hooks.error(`${name} failed: ${e instanceof Error ? e.message : e}`);
        }
    }
}

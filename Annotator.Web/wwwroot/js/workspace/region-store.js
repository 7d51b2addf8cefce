// @ts-check
/**
 * The regions as displayed (committed state with pending optimistic edits applied), kept in a spatial index and a
 * draw order (zOrder, then id). Each region has a record holding its bounds and its rank in the draw order.
 */
import { bounds } from './shapes.js';
import { SpatialIndex } from './spatial-index.js';

/** @typedef {import('./tools/tool.js').Region} Region */
/** @typedef {{region: Region, b: {x:number,y:number,w:number,h:number}, rank: number}} RegionRecord */

/** Whether two states of a region are drawn identically. @param {Region} a @param {Region} b */
function sameLook(a, b) {
    return a.geometry === b.geometry && a.labelId === b.labelId && a.zOrder === b.zOrder && a.hidden === b.hidden && a.locked === b.locked;
}

export class RegionStore {
    /** @param {number} width @param {number} height image size */
    constructor(width, height) {
        /** @type {Map<string, RegionRecord>} */
        this.records = new Map();
        /** @type {SpatialIndex<RegionRecord>} */
        this.index = new SpatialIndex(width, height);
        /** @type {RegionRecord[]} records in draw order */
        this.order = [];
        this.orderDirty = false;
        /** @type {{x:number,y:number,w:number,h:number}[]} image areas whose drawing changed since takeDamage() */
        this.damage = [];
        /** everything changed (load) */
        this.damageAll = true;
    }

    /** The areas to repaint since the last call, or null when everything changed. */
    takeDamage() {
        const d = this.damageAll ? null : this.damage;
        this.damage = [];
        this.damageAll = false;
        return d;
    }

    /** @param {string} id @returns {Region|undefined} */
    get(id) {
        return this.records.get(id)?.region;
    }

    get size() {
        return this.records.size;
    }

    /** Replaces every region. @param {Region[]} regions */
    load(regions) {
        this.records.clear();
        this.index.clear();
        for (const r of regions) this.#insert(r);
        this.orderDirty = true;
        this.damageAll = true;
    }

    /** Inserts or replaces one region. @param {Region} region */
    put(region) {
        const old = this.records.get(region.id);
        if (old && sameLook(old.region, region)) {
            old.region = region; // e.g. the server confirmed what is shown: nothing to repaint
            return;
        }
        if (old) this.damage.push(old.b);
        if (old && old.region.zOrder === region.zOrder) {
            if (old.region.geometry !== region.geometry) {
                old.b = bounds(region.kind, region.geometry);
                this.index.set(old, old.b);
            }
            old.region = region;
        } else {
            if (old) this.index.remove(old);
            this.#insert(region);
            this.orderDirty = true;
        }
        this.damage.push(/** @type {RegionRecord} */ (this.records.get(region.id)).b);
    }

    /** @param {string} id */
    remove(id) {
        const rec = this.records.get(id);
        if (!rec) return;
        this.damage.push(rec.b);
        this.index.remove(rec);
        this.records.delete(id);
        this.orderDirty = true;
    }

    /** @param {Region} region */
    #insert(region) {
        const rec = { region, b: bounds(region.kind, region.geometry), rank: 0 };
        this.records.set(region.id, rec);
        this.index.set(rec, rec.b);
    }

    /** Brings ranks up to date with zOrder changes. */
    sort() {
        if (!this.orderDirty) return;
        this.order = Array.from(this.records.values());
        this.order.sort((a, b) => a.region.zOrder - b.region.zOrder || (a.region.id < b.region.id ? -1 : a.region.id > b.region.id ? 1 : 0));
        for (let i = 0; i < this.order.length; i++) this.order[i].rank = i;
        this.orderDirty = false;
    }

    /**
     * Records intersecting a rectangle, in draw order (bottom first).
     * @param {number} x @param {number} y @param {number} w @param {number} h image px
     * @returns {RegionRecord[]}
     */
    query(x, y, w, h) {
        this.sort();
        const list = this.index.query(x, y, w, h);
        list.sort((a, b) => a.rank - b.rank);
        return list;
    }

    /** Highest and lowest zOrder in use. */
    zRange() {
        this.sort();
        if (!this.order.length) return { min: 0, max: 0 };
        return { min: this.order[0].region.zOrder, max: this.order[this.order.length - 1].region.zOrder };
    }
}
